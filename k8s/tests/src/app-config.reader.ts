import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './repo-paths';

/** The parts of a zod schema the checks use: each app validates its environment with one at boot. */
export interface EnvSchema {
  safeParse(input: unknown): {
    readonly success: boolean;
    readonly data?: Record<string, unknown>;
    readonly error?: {
      readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
    };
  };
}

/** One key of a zod object schema: parsing `undefined` tells whether the key is required. */
interface KeySchema {
  safeParse(input: unknown): { readonly success: boolean };
}

/** What an app's compiled `config/<app>.config.js` exports: its env schema, its default port, its topics. */
export interface AppConfigModule {
  readonly app: string;
  readonly schema: EnvSchema;
  readonly defaultPort: number;
  readonly topics: Readonly<Record<string, string>>;
  /** Keys the schema cannot default: the manifests must set them (cross-key rules are left to the schema). */
  readonly requiredKeys: readonly string[];
  /** Keys marked `sensitive()` in the schema (masked in logs): they must come from a Secret. */
  readonly sensitiveKeys: readonly string[];
}

/** libs/platform's registry of `sensitive()` keys, from the same compiled module the apps import. */
interface SensitiveRegistry {
  has(schema: unknown): boolean;
}

async function loadSensitiveRegistry(): Promise<SensitiveRegistry> {
  const file = join(REPO_ROOT, 'libs', 'platform', 'dist', 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the libraries first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const registry = module['sensitiveKeys'] as SensitiveRegistry | undefined;
  if (typeof registry?.has !== 'function') throw new Error(`${file} exports no sensitiveKeys registry`);
  return registry;
}

function shapeOf(schema: unknown, file: string): Record<string, KeySchema> {
  const shape = (schema as { shape?: unknown }).shape;
  if (typeof shape !== 'object' || shape === null) throw new Error(`${file}: the config schema has no shape`);
  return shape as Record<string, KeySchema>;
}

export const PIPELINE_APPS = ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer'] as const;
export type PipelineApp = (typeof PIPELINE_APPS)[number];

/**
 * Loads the app's compiled config (apps/<app>/dist/config/<app>.config.js; `npm run build` makes it): the manifests
 * are checked against what the service itself will validate at boot, not against a copy of it.
 */
export async function loadAppConfig(app: PipelineApp): Promise<AppConfigModule> {
  const file = join(REPO_ROOT, 'apps', app, 'dist', 'config', `${app}.config.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const upper = app.toUpperCase();
  const schema = module[`${app}ConfigSchema`] as EnvSchema | undefined;
  const defaultPort = module[`${upper}_DEFAULT_PORT`];
  if (typeof schema?.safeParse !== 'function') throw new Error(`${file} exports no ${app}ConfigSchema`);
  if (typeof defaultPort !== 'number') throw new Error(`${file} exports no ${upper}_DEFAULT_PORT`);
  const topics = (module[`${upper}_TOPICS`] ?? {}) as Record<string, string>;
  const shape = shapeOf(schema, file);
  const registry = await loadSensitiveRegistry();
  const keys = Object.entries(shape);
  return {
    app,
    schema,
    defaultPort,
    topics,
    requiredKeys: keys.filter(([, key]) => !key.safeParse(undefined).success).map(([name]) => name),
    sensitiveKeys: keys.filter(([, key]) => registry.has(key)).map(([name]) => name),
  };
}

/**
 * The env schema of the `predictor` commands (train, promote, models) that the model-store Jobs run, from the
 * compiled apps/predictor/dist/cli/cli-env.js.
 */
export async function loadPredictorCliSchema(): Promise<EnvSchema> {
  const file = join(REPO_ROOT, 'apps', 'predictor', 'dist', 'cli', 'cli-env.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const schema = module['cliEnvSchema'] as EnvSchema | undefined;
  if (typeof schema?.safeParse !== 'function') throw new Error(`${file} exports no cliEnvSchema`);
  return schema;
}

/** The libs/bus topology the services create at start, from its compiled entry point. */
export async function loadPipelineTopology(): Promise<
  (options: {
    partitions: number;
    replicationFactor: number;
  }) => readonly { name: string; partitions: number }[]
> {
  const file = join(REPO_ROOT, 'libs', 'bus', 'dist', 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the libraries first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const pipelineTopology = module['pipelineTopology'];
  if (typeof pipelineTopology !== 'function') throw new Error(`${file} exports no pipelineTopology`);
  return pipelineTopology as Awaited<ReturnType<typeof loadPipelineTopology>>;
}
