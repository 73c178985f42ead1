import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES_DIR, REPO_ROOT } from './repo-paths';
import { renderKustomization } from './render';
import { loadK8sTools } from './k8s-tools';
import { asRecord, at, podTemplate } from './k8s-object';
import { checkDockerfile, defaultCargoFeatures, type DockerfileRule } from './policies/dockerfile.policy';

/**
 * No container engine runs here, so the image recipe is checked as text (the properties the issue asks for, and the
 * uid that must agree with the manifests' runAsUser) and by hadolint. Building the images is cluster-smoke.sh's job.
 */
const DOCKERFILE_PATH = join(REPO_ROOT, 'docker', 'app.Dockerfile');
const BAD_DOCKERFILE_PATH = join(FIXTURES_DIR, 'docker', 'bad.Dockerfile');
const ASSEMBLE_SCRIPT = readFileSync(join(REPO_ROOT, 'docker', 'assemble-runtime.sh'), 'utf8');
const DOCKERIGNORE = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
const CRATE_MANIFEST = readFileSync(join(REPO_ROOT, 'libs', 'delta', 'crate', 'Cargo.toml'), 'utf8');
/** The crate as it was before `s3` became a default feature: a plain build speaks file:// and memory:// only. */
const CRATE_WITHOUT_DEFAULT_S3 = CRATE_MANIFEST.replace(/^default\s*=\s*\[[^\]]*\]/m, 'default = []');
const PIPELINE_APPS = 5;
const ALL_RULES: DockerfileRule[] = [
  'BINDING_WITHOUT_S3',
  'DEV_DEPENDENCIES_SHIPPED',
  'NATIVE_BUILD_OUTSIDE_BUILDER',
  'NOT_NODE_24',
  'NO_GPU_VARIANT',
  'ROOT_RUNTIME_USER',
  'SINGLE_STAGE',
  'UNPINNED_BASE_IMAGE',
];

/** The uid every pipeline Deployment runs as; they must agree with each other and with the image. */
function manifestUid(): number {
  const pipeline = renderKustomization('base').filter(
    (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'pipeline',
  );
  assert.equal(pipeline.length, PIPELINE_APPS);
  const uids = new Set(
    pipeline.map((d) => at(asRecord(at(podTemplate(d), 'spec', 'securityContext')), 'runAsUser')),
  );
  assert.equal(uids.size, 1, 'one runAsUser for all services');
  const [uid] = uids;
  assert.equal(typeof uid, 'number');
  return uid as number;
}

function hadolint(path: string): { status: number | null; output: string } {
  const result = spawnSync(loadK8sTools().hadolint, ['--no-color', path], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('docker/app.Dockerfile', () => {
  it('is multi-stage on Node 24 with pinned bases, builds the binding in the builder only, ships no dev dependencies, has a GPU variant and runs as the manifests’ non-root uid', () => {
    assert.deepEqual(
      checkDockerfile(readFileSync(DOCKERFILE_PATH, 'utf8'), manifestUid(), ASSEMBLE_SCRIPT, CRATE_MANIFEST),
      [],
    );
  });

  it('passes hadolint', () => {
    const { status, output } = hadolint(DOCKERFILE_PATH);
    assert.equal(output, '');
    assert.equal(status, 0);
  });

  it('fixtures/docker/bad.Dockerfile breaks every rule, and hadolint flags its latest tag', () => {
    const bad = readFileSync(BAD_DOCKERFILE_PATH, 'utf8');
    assert.deepEqual(
      checkDockerfile(bad, manifestUid(), ASSEMBLE_SCRIPT, CRATE_WITHOUT_DEFAULT_S3),
      ALL_RULES,
    );
    const { status, output } = hadolint(BAD_DOCKERFILE_PATH);
    assert.notEqual(status, 0);
    assert.match(output, /DL3007/);
  });

  it('builds a binding that speaks s3:// — the crate has `s3` among its default features — and fails without it', () => {
    assert.ok(defaultCargoFeatures(CRATE_MANIFEST).includes('s3'), 'libs/delta/crate: default = ["s3"]');
    assert.deepEqual(defaultCargoFeatures(CRATE_WITHOUT_DEFAULT_S3), []);
    const dockerfile = readFileSync(DOCKERFILE_PATH, 'utf8');
    assert.deepEqual(checkDockerfile(dockerfile, manifestUid(), ASSEMBLE_SCRIPT, CRATE_WITHOUT_DEFAULT_S3), [
      'BINDING_WITHOUT_S3',
    ]);
    const withFlag = dockerfile.replace(
      'npm run build:native -w @lakehouse/delta',
      'npm run build:native -w @lakehouse/delta -- --features s3',
    );
    assert.deepEqual(checkDockerfile(withFlag, manifestUid(), ASSEMBLE_SCRIPT, CRATE_WITHOUT_DEFAULT_S3), []);
  });

  it('a runtime uid other than the manifests’ fails', () => {
    assert.deepEqual(
      checkDockerfile(
        readFileSync(DOCKERFILE_PATH, 'utf8'),
        manifestUid() + 1,
        ASSEMBLE_SCRIPT,
        CRATE_MANIFEST,
      ),
      ['ROOT_RUNTIME_USER'],
    );
  });

  it('.dockerignore keeps host builds, dependencies and git out of the context', () => {
    for (const pattern of [
      '.git',
      '**/node_modules',
      '**/dist',
      '**/target',
      'libs/delta/native/*.node',
      '.work',
    ]) {
      assert.ok(DOCKERIGNORE.includes(pattern), pattern);
    }
    assert.ok(DOCKERIGNORE.includes('!k8s/tests/package.json'), 'npm ci needs every workspace manifest');
    assert.ok(DOCKERIGNORE.includes('!docker/assemble-runtime.sh'), 'the build stages run it');
  });
});
