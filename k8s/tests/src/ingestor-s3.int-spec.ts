import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { K8S_DIR } from './repo-paths';
import { containerEnv } from './container-env';
import { produceLines } from './console-producer';
import { assembleRuntime, requireBrokers, ServiceProcess } from './service-process';
import { runS3Python, startS3Server, stopS3Server, type S3Env } from './s3-server';

// A pipeline stage on the object store: the ingestor, booted from its image layout with the local overlay's
// environment pointed at the local S3 server, takes ticks from Kafka into bronze.ticks on S3; delta-rs (Python,
// from the s3-server virtualenv) reads the table back.
const TICKS = 300;
const SYMBOLS = ['SPX', 'IXIC', 'AAPL'];
const FIRST_TICK_MS = Date.UTC(2026, 0, 5, 14, 30);
const BRONZE_PATH = 'bronze/ticks';
const LANDED_TIMEOUT_MS = 90_000;
const EXIT_CLEAN = 0;

describe('the ingestor writes Bronze to the S3-compatible lake', () => {
  const root = mkdtempSync(join(tmpdir(), 'ingestor-s3-'));
  chmodSync(root, 0o755);
  let s3: S3Env;
  before(() => {
    s3 = startS3Server(join(root, 's3'));
  });
  after(() => {
    stopS3Server(join(root, 's3'));
    rmSync(root, { recursive: true, force: true });
  });

  it(`lands ${TICKS} ticks from ticks.raw in bronze.ticks on S3`, async () => {
    const brokers = requireBrokers();
    const objects = renderKustomization('overlays/local');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingestor');
    assert.ok(deployment);
    const tree = join(root, 'ingestor');
    assembleRuntime('ingestor', tree);
    const namespace = `k8ss3${Date.now()}`;
    const lakeRoot = `${s3['LAKE_ROOT']}/${namespace}`;
    const env: Record<string, string> = {
      ...containerEnv(objects, deployment),
      ...s3,
      KAFKA_BROKERS: brokers,
      KAFKA_NAMESPACE: namespace,
      LAKE_ROOT: lakeRoot,
    };
    const service = await ServiceProcess.start(tree, env, root);
    try {
      await service.get('/health/ready');
      produceLines(
        brokers,
        `${namespace}.ticks.raw`,
        Array.from({ length: TICKS }, (_, n) => {
          const symbol = SYMBOLS[n % SYMBOLS.length] ?? 'SPX';
          return `${symbol}\t${JSON.stringify({ symbol, price: 100 + (n % 7), volume: n + 1, timestamp: FIRST_TICK_MS + n })}`;
        }),
      );
      const table = `${lakeRoot}/${BRONZE_PATH}`;
      const script = join(K8S_DIR, 'scripts', 's3-table-rows.py');
      const deadline = Date.now() + LANDED_TIMEOUT_MS;
      let rows = -1;
      while (rows < TICKS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        rows = Number(runS3Python(script, s3, [table]).trim());
      }
      assert.equal(rows, TICKS, `bronze.ticks on S3 holds ${rows} rows:\n${service.logs()}`);
      assert.equal(await service.stop(), EXIT_CLEAN, service.logs());
    } finally {
      service.kill();
    }
  });
});
