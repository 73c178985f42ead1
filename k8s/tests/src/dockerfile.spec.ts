import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT } from './repo-paths';
import { renderKustomization } from './render';
import { asRecord, at, podTemplate } from './k8s-object';
import { isMutableImage } from './policies/workload.policy';

/**
 * No container engine runs here, so the image recipe is checked as text: the properties the issue asks for, and the
 * uid that must agree with the manifests' runAsUser. Building the images is k8s/scripts/cluster-smoke.sh's job.
 */
const DOCKERFILE = readFileSync(join(REPO_ROOT, 'docker', 'app.Dockerfile'), 'utf8');
const PIPELINE_APPS = 5;
const DOCKERIGNORE = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly body: string;
}

function stages(dockerfile: string): Stage[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  return joined
    .split(/^(?=FROM )/m)
    .filter((chunk) => chunk.startsWith('FROM '))
    .map((chunk) => {
      const match = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(chunk);
      return { from: match?.[1] ?? '', name: match?.[2], body: chunk };
    });
}

function argDefault(name: string): string | undefined {
  return new RegExp(`^ARG ${name}=(\\S+)`, 'm').exec(DOCKERFILE)?.[1];
}

function resolveArgs(image: string): string {
  return image.replace(/\$\{(\w+)\}/g, (_, arg: string) => argDefault(arg) ?? `\${${arg}}`);
}

describe('docker/app.Dockerfile', () => {
  const all = stages(DOCKERFILE);
  const byName = (name: string): Stage => {
    const stage = all.find((s) => s.name === name);
    assert.ok(stage, `stage ${name}`);
    return stage;
  };

  it('is multi-stage on Node 24, every base image pinned to a version', () => {
    assert.ok(all.length >= 4);
    assert.match(argDefault('NODE_VERSION') ?? '', /^24\.\d+\.\d+$/);
    const stageNames = new Set(all.map((s) => s.name));
    for (const stage of all) {
      if (stageNames.has(stage.from) || stage.from.startsWith('runtime-${')) continue;
      const image = resolveArgs(stage.from);
      assert.ok(!image.includes('${'), `${stage.from} has a default for every argument`);
      assert.equal(isMutableImage(image), false, `${image} is pinned`);
    }
  });

  it('builds the native binding (with the s3 feature) in the builder stage, not in the runtime', () => {
    assert.match(byName('builder').body, /npm run build:native -w @lakehouse\/delta -- --features s3/);
    assert.doesNotMatch(byName('runtime').body, /cargo|build:native|rustup/);
  });

  it('installs production dependencies only, for one app', () => {
    const install = byName('prod-deps').body;
    assert.match(install, /npm ci [^\n]*--omit=dev[^\n]*--workspace "@lakehouse\/\$APP"/);
    assert.doesNotMatch(byName('runtime').body, /npm (ci|install)/);
    assert.doesNotMatch(byName('runtime').body, /--from=builder \/src\/node_modules/);
  });

  it('selects the GPU variant with a build argument: tfjs-node-gpu on a CUDA runtime', () => {
    assert.equal(argDefault('VARIANT'), 'cpu');
    assert.match(byName('prod-deps').body, /gpu\) backend=@tensorflow\/tfjs-node-gpu/);
    assert.match(byName('runtime-gpu').from, /CUDA_IMAGE/);
    assert.match(resolveArgs(byName('runtime-gpu').from), /^nvidia\/cuda:/);
    assert.equal(byName('runtime').from, 'runtime-${VARIANT}');
  });

  it('runs as the non-root uid the manifests use', () => {
    const user = /^USER (\d+):(\d+)$/m.exec(byName('runtime').body);
    assert.ok(user, 'a numeric USER in the runtime stage');
    assert.notEqual(user[1], '0');
    const pipeline = renderKustomization('base').filter(
      (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'pipeline',
    );
    assert.equal(pipeline.length, PIPELINE_APPS);
    for (const deployment of pipeline) {
      const security = asRecord(at(podTemplate(deployment), 'spec', 'securityContext'));
      assert.equal(String(security['runAsUser']), user[1], `${deployment.metadata.name} runAsUser`);
      assert.equal(String(security['runAsGroup']), user[2], `${deployment.metadata.name} runAsGroup`);
    }
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
  });
});
