import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { containerEnv } from './container-env';
import { PIPELINE_APPS } from './app-config.reader';
import { REPO_ROOT } from './repo-paths';
import { assembleRuntime, requireBrokers, runInTree, runJobScript, ServiceProcess } from './service-process';
import { asArray, containersOf, podTemplate, type K8sObject } from './k8s-object';

// Each service booted from the tree its image would hold (docker/assemble-runtime.sh, as the Dockerfile runs it:
// production dependencies of its workspace only, built dist/, no sources or specs), read-only, as an unprivileged
// user, with the environment the local overlay gives its Deployment. It must become ready and serve /health,
// /health/ready and /metrics, then stop cleanly on SIGTERM. Only the broker, the lake path, the port and a topic
// namespace are swapped for the test's own. The predictor is ready only once a model is promoted: its tree's own
// `predictor train` trains one first, with the training CronJob's environment, from the sample ticks (the CronJob
// reads silver.ticks on the object store) into a model store directory that stands in for the model-store claim.
// The publisher also serves its dashboard and the charting library from the tree.
const EXIT_CLEAN = 0;
const SAMPLE_TICKS = join(REPO_ROOT, 'data', 'sample', 'ticks.ndjson');
/** A small, quick model: what is checked is that the image's train command registers and promotes one. */
const QUICK_TRAIN = [
  ...['--symbols', 'SPX,IXIC', '--from', '1999-01-01T00:00:00Z', '--to', '2003-01-01T00:00:00Z'],
  ...['--time-zone', 'America/New_York', '--epochs', '1', '--units', '8', '--bootstrap', '10', '--promote'],
];

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
}

/** Trains and promotes a model into a fresh store with the tree's `predictor train`; returns the store. */
function trainedModelStore(objects: readonly K8sObject[], tree: string, root: string): string {
  const store = mkdtempSync(join(root, 'models-'));
  chmodSync(store, 0o777);
  const env = {
    ...containerEnv(objects, find(objects, 'CronJob', 'predictor-train')),
    MODEL_STORE_DIR: store,
  };
  const output = runInTree(
    tree,
    ['apps/predictor/dist/cli.js', 'train', ...QUICK_TRAIN, '--ndjson', SAMPLE_TICKS],
    env,
    root,
  );
  assert.match(output, /"msg":"trained".*"promoted":true/, output.slice(-2000));
  checkPromoteJob(objects, tree, root, store);
  return store;
}

/** The predictor-promote CronJob's own script: refuses without PROMOTE_VERSION, promotes the version it names. */
function checkPromoteJob(objects: readonly K8sObject[], tree: string, root: string, store: string): void {
  const job = find(objects, 'CronJob', 'predictor-promote');
  const script = asArray(containersOf(podTemplate(job) ?? {})[0]?.['command'])[2];
  assert.equal(typeof script, 'string');
  const env = { ...containerEnv(objects, job), MODEL_STORE_DIR: store };
  assert.throws(() => runJobScript(tree, script as string, env, root), /set PROMOTE_VERSION/);
  const [version] = readdirSync(join(store, 'versions'));
  assert.ok(version);
  const output = runJobScript(tree, script as string, { ...env, PROMOTE_VERSION: version }, root);
  assert.match(output, new RegExp(`promoted ${version}`));
  assert.match(output, new RegExp(`^${version}\\t.*\\*$`, 'm'), 'models list marks it promoted');
}

describe('each service boots from its image layout with the manifests’ environment', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-layout-'));
  chmodSync(root, 0o755);
  const objects = renderKustomization('overlays/local');
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const app of PIPELINE_APPS) {
    it(`${app}: ready, healthy and scraped, then stops cleanly`, async () => {
      const brokers = requireBrokers();
      const tree = join(root, app);
      assembleRuntime(app, tree);
      const lake = mkdtempSync(join(root, `${app}-lake-`));
      chmodSync(lake, 0o777);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);
      assert.ok(deployment);
      const env = {
        ...containerEnv(objects, deployment),
        KAFKA_BROKERS: brokers,
        KAFKA_NAMESPACE: `k8simg${Date.now()}`,
        LAKE_ROOT: lake,
        ...(app === 'predictor' ? { MODEL_STORE_DIR: trainedModelStore(objects, tree, root) } : {}),
      };
      const service = await ServiceProcess.start(tree, env, root);
      try {
        await service.get('/health/ready');
        await service.get('/health');
        assert.match(await (await service.get('/metrics')).text(), /^# TYPE /m);
        if (app === 'publisher') {
          assert.match(await (await service.get('/')).text(), /<html/i, 'the dashboard');
          assert.ok((await (await service.get('/vendor/lightweight-charts.js')).text()).length > 0);
        }
        assert.equal(await service.stop(), EXIT_CLEAN, `exit after SIGTERM:\n${service.logs()}`);
      } finally {
        service.kill();
      }
    });
  }
});
