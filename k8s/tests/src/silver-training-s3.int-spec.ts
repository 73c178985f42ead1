import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { K8S_DIR, REPO_ROOT } from './repo-paths';
import { containerEnv } from './container-env';
import { produceLines } from './console-producer';
import { asArray, containersOf, podTemplate, type K8sObject } from './k8s-object';
import { assembleRuntime, requireBrokers, runJobScript, ServiceProcess } from './service-process';
import { runS3Python, startS3Server, stopS3Server, type S3Env } from './s3-server';

// The model path of the cluster on the object store: the ingestor and the refiner, booted from their image layouts
// with the local overlay's environment pointed at the local S3 server, take sample ticks into bronze.ticks and
// silver.ticks on S3; then the predictor-train CronJob's OWN script, run against the predictor's image layout with
// the CronJob's environment, trains on silver.ticks on S3 and promotes into a directory standing in for the
// model-store claim; a predictor booted on that directory becomes ready.
const TICKS = 2000;
const SAMPLE_TICKS = join(REPO_ROOT, 'data', 'sample', 'ticks.ndjson');
const SILVER_PATH = 'silver/ticks';
const REFINED_TIMEOUT_MS = 180_000;
/** A quick model (what is checked is the Job's path, not the model): one epoch, few units, few resamples. */
const QUICK_TRAIN_ARGS = '--epochs 1 --units 8 --bootstrap 10';
const EXIT_CLEAN = 0;

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
}

/** The script of a CronJob's container: `command: [/bin/sh, -ec, SCRIPT]`. */
function jobScript(cronJob: K8sObject): string {
  const command = asArray(containersOf(podTemplate(cronJob) ?? {})[0]?.['command']);
  assert.deepEqual(command.slice(0, 2), ['/bin/sh', '-ec']);
  const script = command[2];
  assert.equal(typeof script, 'string');
  return script as string;
}

/** The first TICKS sample ticks, one second apart and ending a minute ago, keyed by symbol. */
function sampleTicks(): string[] {
  const lines = readFileSync(SAMPLE_TICKS, 'utf8').split('\n').filter(Boolean).slice(0, TICKS);
  const start = Date.now() - 60_000 - TICKS * 1000;
  return lines.map((line, i) => {
    const tick = JSON.parse(line) as { symbol: string; timestamp: string };
    tick.timestamp = new Date(start + i * 1000).toISOString();
    return `${tick.symbol}\t${JSON.stringify(tick)}`;
  });
}

describe('the training Job trains on silver.ticks in the S3-compatible lake', () => {
  const root = mkdtempSync(join(tmpdir(), 'training-s3-'));
  chmodSync(root, 0o755);
  let s3: S3Env;
  before(() => {
    s3 = startS3Server(join(root, 's3'));
  });
  after(() => {
    stopS3Server(join(root, 's3'));
    rmSync(root, { recursive: true, force: true });
  });

  it(`refines ${TICKS} ticks into silver.ticks on S3, trains and promotes from it, and a predictor serves the model`, async () => {
    const brokers = requireBrokers();
    const objects = renderKustomization('overlays/local');
    const namespace = `k8strain${Date.now()}`;
    const lakeRoot = `${s3['LAKE_ROOT']}/${namespace}`;
    const envOf = (workload: K8sObject): Record<string, string> => ({
      ...containerEnv(objects, workload),
      ...s3,
      KAFKA_BROKERS: brokers,
      KAFKA_NAMESPACE: namespace,
      LAKE_ROOT: lakeRoot,
    });
    const services: ServiceProcess[] = [];
    try {
      for (const app of ['ingestor', 'refiner'] as const) {
        const tree = join(root, app);
        assembleRuntime(app, tree);
        const service = await ServiceProcess.start(tree, envOf(find(objects, 'Deployment', app)), root);
        services.push(service);
        await service.get('/health/ready');
      }
      produceLines(brokers, `${namespace}.ticks.raw`, sampleTicks());
      const silver = `${lakeRoot}/${SILVER_PATH}`;
      const script = join(K8S_DIR, 'scripts', 's3-table-rows.py');
      const deadline = Date.now() + REFINED_TIMEOUT_MS;
      let rows = -1;
      while (rows < TICKS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2000));
        rows = Number(runS3Python(script, s3, [silver]).trim());
      }
      assert.equal(
        rows,
        TICKS,
        `silver.ticks on S3 holds ${rows} rows:\n${services.map((s) => s.logs()).join('\n')}`,
      );
      for (const service of services) assert.equal(await service.stop(), EXIT_CLEAN, service.logs());

      const predictor = join(root, 'predictor');
      assembleRuntime('predictor', predictor);
      const store = mkdtempSync(join(root, 'models-'));
      chmodSync(store, 0o777);
      const train = find(objects, 'CronJob', 'predictor-train');
      const output = runJobScript(
        predictor,
        jobScript(train),
        { ...envOf(train), MODEL_STORE_DIR: store, TRAIN_ARGS: QUICK_TRAIN_ARGS },
        root,
      );
      assert.match(output, /"msg":"training","source":"delta:silver\.ticks"/, output.slice(-2000));
      assert.match(output, /"msg":"trained".*"promoted":true/, output.slice(-2000));
      assert.ok(readdirSync(join(store, 'versions')).length === 1, 'one version registered');

      const serving = await ServiceProcess.start(
        predictor,
        { ...envOf(find(objects, 'Deployment', 'predictor')), MODEL_STORE_DIR: store },
        root,
      );
      services.push(serving);
      const ready = (await (await serving.get('/health/ready')).json()) as Record<string, unknown>;
      assert.match(JSON.stringify(ready), /"modelVersion":"gru-/);
      assert.equal(await serving.stop(), EXIT_CLEAN, serving.logs());
    } finally {
      for (const service of services) service.kill();
    }
  });
});
