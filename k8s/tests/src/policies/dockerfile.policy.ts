/** The image recipe's rules, checked on the Dockerfile's text (no container engine runs here). */
export type DockerfileRule =
  | 'SINGLE_STAGE'
  | 'NOT_NODE_24'
  | 'UNPINNED_BASE_IMAGE'
  | 'NATIVE_BUILD_OUTSIDE_BUILDER'
  | 'BINDING_WITHOUT_S3'
  | 'DEV_DEPENDENCIES_SHIPPED'
  | 'NO_GPU_VARIANT'
  | 'ROOT_RUNTIME_USER';

export interface DockerfileStage {
  readonly from: string;
  readonly name: string | undefined;
  readonly body: string;
}

export function parseStages(dockerfile: string): DockerfileStage[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split(/^(?=FROM )/m)
    .filter((chunk) => chunk.startsWith('FROM '))
    .map((chunk) => {
      const match = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(chunk);
      return { from: match?.[1] ?? '', name: match?.[2], body: chunk };
    });
}

export function argDefault(dockerfile: string, name: string): string | undefined {
  return new RegExp(`^ARG ${name}=(\\S+)`, 'm').exec(dockerfile)?.[1];
}

function resolveArgs(dockerfile: string, image: string): string {
  return image.replace(/\$\{(\w+)\}/g, (whole, arg: string) => argDefault(dockerfile, arg) ?? whole);
}

function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && !tag.includes('${');
}

/** The runtime stage: the one named `runtime`, else the last. */
function runtimeOf(stages: readonly DockerfileStage[]): DockerfileStage | undefined {
  return stages.find((s) => s.name === 'runtime') ?? stages.at(-1);
}

/** The `default` features of a Cargo manifest's `[features]` table. */
export function defaultCargoFeatures(cargoToml: string): string[] {
  const table = /^\[features\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(cargoToml)?.[1] ?? '';
  const list = /^default\s*=\s*\[([^\]]*)\]/m.exec(table)?.[1] ?? '';
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
}

/**
 * Which rules the Dockerfile breaks; empty when it is fit. `runtimeUid`: the uid the manifests run as;
 * `assembleScript`: docker/assemble-runtime.sh, which the prod-deps stage runs; `crateManifest`: the binding's
 * libs/delta/crate/Cargo.toml (the lake lives on S3 in the cluster, so the binding the builder builds must have the
 * `s3` feature: by default, or passed with --features).
 */
export function checkDockerfile(
  dockerfile: string,
  runtimeUid: number,
  assembleScript: string,
  crateManifest: string,
): DockerfileRule[] {
  const stages = parseStages(dockerfile);
  const names = new Set(stages.map((s) => s.name));
  const runtime = runtimeOf(stages);
  const broken = new Set<DockerfileRule>();

  // Multi-stage means the runtime takes built artifacts from another stage, not merely that FROM appears twice.
  if (stages.length < 2 || runtime === undefined || !/COPY --from=/.test(runtime.body))
    broken.add('SINGLE_STAGE');
  for (const stage of stages) {
    if (names.has(stage.from) || /^runtime-\$\{\w+\}$/.test(stage.from)) continue;
    if (!isPinned(resolveArgs(dockerfile, stage.from))) broken.add('UNPINNED_BASE_IMAGE');
  }
  if (!/^24\.\d+\.\d+$/.test(argDefault(dockerfile, 'NODE_VERSION') ?? '')) broken.add('NOT_NODE_24');

  const builder = stages.find((s) => s.name === 'builder');
  if (builder === undefined || !/npm run build:native -w @lakehouse\/delta\b/.test(builder.body)) {
    broken.add('NATIVE_BUILD_OUTSIDE_BUILDER');
  }
  const s3ByFlag = /npm run build:native -w @lakehouse\/delta -- [^\n]*--features s3\b/.test(
    builder?.body ?? '',
  );
  if (!s3ByFlag && !defaultCargoFeatures(crateManifest).includes('s3')) broken.add('BINDING_WITHOUT_S3');
  if (runtime !== undefined && /cargo|rustup|build:native/.test(runtime.body))
    broken.add('NATIVE_BUILD_OUTSIDE_BUILDER');

  const prodDeps = stages.find((s) => s.name === 'prod-deps');
  const script = assembleScript.replace(/\\\n\s*/g, ' ');
  const installsProdOnly =
    /assemble-runtime\.sh deps \S+ "\$APP" \/app "\$VARIANT"/.test(prodDeps?.body ?? '') &&
    /npm ci [^\n]*--omit=dev[^\n]*--workspace "@lakehouse\/\$app"/.test(script);
  if (!installsProdOnly) broken.add('DEV_DEPENDENCIES_SHIPPED');
  if (
    runtime !== undefined &&
    (/\bnpm (ci|install)\b/.test(runtime.body) || /--from=builder \/src\/node_modules/.test(runtime.body))
  ) {
    broken.add('DEV_DEPENDENCIES_SHIPPED');
  }

  const gpu = stages.find((s) => s.name === 'runtime-gpu');
  const gpuBase = gpu === undefined ? '' : resolveArgs(dockerfile, gpu.from);
  if (
    argDefault(dockerfile, 'VARIANT') !== 'cpu' ||
    runtime?.from !== 'runtime-${VARIANT}' ||
    !gpuBase.startsWith('nvidia/cuda:') ||
    !/"\$VARIANT"/.test(prodDeps?.body ?? '') ||
    !/gpu\) backend=@tensorflow\/tfjs-node-gpu/.test(assembleScript)
  ) {
    broken.add('NO_GPU_VARIANT');
  }

  const user = /^USER (\d+)(?::(\d+))?\s*$/m.exec(runtime?.body ?? '');
  if (user === null || Number(user[1]) === 0 || Number(user[1]) !== runtimeUid)
    broken.add('ROOT_RUNTIME_USER');
  return [...broken].sort();
}
