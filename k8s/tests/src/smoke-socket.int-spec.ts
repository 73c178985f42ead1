import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { containerEnv } from './container-env';
import { produceLines } from './console-producer';
import { K8S_DIR, REPO_ROOT } from './repo-paths';
import { assembleRuntime, requireBrokers, ServiceProcess } from './service-process';
import { startS3Server, stopS3Server } from './s3-server';

// The smoke test's client side against the REAL publisher (booted from its image layout with the local overlay's
// environment, its token secret taken from the rendered publisher-auth Secret, its lake on the local S3 server as in
// the cluster): k8s/scripts/smoke-socket.mjs with a token from `publisher cli token` sees a `prediction` on
// /signals after `subscribe`, is refused without a token and with a bad one, and Gold (written to S3) answers the
// API with that token — what cluster-smoke.sh relies on in a cluster.
const SMOKE_SOCKET = join(K8S_DIR, 'scripts', 'smoke-socket.mjs');
const TOKEN_CLI = join(REPO_ROOT, 'apps', 'publisher', 'dist', 'cli.js');
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const SOCKET_TIMEOUT_S = 90;
const PRODUCE_EVERY_MS = 2_000;
const GOLD_TIMEOUT_MS = 60_000;

/**
 * A `signals.predictions` record in the contract's JSON (libs/bus prediction.contract.ts), keyed by symbol: a run of
 * two SPX predictions (schema 2), as the predictor sends them.
 */
function predictionLine(n: number): string {
  const event = (i: number) => ({
    eventId: randomBytes(32).toString('hex'),
    eventTimeUs: String((Date.now() - 60_000 + n) * 1000 + i),
    price: 5000 + n,
    probability: 0.7,
    predictedLabel: 1,
    silverVersion: '1',
  });
  const record = {
    schemaVersion: 2,
    symbol: 'SPX',
    modelVersion: 'gru-smoke',
    backend: 'onnx-cpu',
    labelVersion: 'jump-abs-v1',
    threshold: 0.5,
    inferenceLatencyMs: 3,
    producedAt: new Date().toISOString(),
    events: [event(0), event(1)],
  };
  return `SPX\t${JSON.stringify(record)}`;
}

function runSocket(
  args: readonly string[],
  token: string | undefined,
): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SMOKE_SOCKET, ...args], {
    env: { ...process.env, SMOKE_TOKEN: token ?? '' },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('smoke-socket.mjs against the real publisher', () => {
  const root = mkdtempSync(join(tmpdir(), 'smoke-socket-'));
  chmodSync(root, 0o755);
  const s3 = startS3Server(join(root, 's3'));
  after(() => {
    stopS3Server(join(root, 's3'));
    rmSync(root, { recursive: true, force: true });
  });

  it('gets a prediction on /signals with a token from the Secret, is refused without one, and reads Gold', async () => {
    const brokers = requireBrokers();
    const objects = renderKustomization('overlays/local');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'publisher');
    assert.ok(deployment);
    const tree = join(root, 'publisher');
    assembleRuntime('publisher', tree);
    const namespace = `k8ssmoke${Date.now()}`;
    const env: Record<string, string> = {
      ...containerEnv(objects, deployment),
      ...s3,
      KAFKA_BROKERS: brokers,
      KAFKA_NAMESPACE: namespace,
      LAKE_ROOT: `${s3['LAKE_ROOT']}/${namespace}`,
    };
    const secret = env['PUBLISHER_AUTH_SECRET'];
    assert.ok(secret, 'the publisher-auth Secret reaches the publisher');
    const token = execFileSync(process.execPath, [TOKEN_CLI, 'token', '--sub', 'smoke', '--ttl', '10m'], {
      env: { ...process.env, PUBLISHER_AUTH_SECRET: secret },
      encoding: 'utf8',
    }).trim();

    const service = await ServiceProcess.start(tree, env, root);
    try {
      await service.get('/health/ready');
      const url = `http://127.0.0.1:${service.port}`;

      const refused = runSocket(['--expect-refused', url, '30'], undefined);
      assert.equal(refused.status, EXIT_OK, refused.output);
      assert.match(refused.output, /refused \(AUTH_MISSING\)/);
      const badToken = runSocket([url, '1', '30'], 'not-a-token');
      assert.equal(badToken.status, EXIT_FAILED, badToken.output);
      assert.match(badToken.output, /socket connect error: unauthorized AUTH_INVALID/);

      const client = spawn(process.execPath, [SMOKE_SOCKET, url, '1', String(SOCKET_TIMEOUT_S)], {
        env: { ...process.env, SMOKE_TOKEN: token },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => client.on('exit', resolve));
      // The live feed starts at the latest offsets once its group has joined: produce until the client has one.
      for (let n = 0; client.exitCode === null && n * PRODUCE_EVERY_MS < SOCKET_TIMEOUT_S * 1000; n += 1) {
        produceLines(brokers, `${namespace}.signals.predictions`, [predictionLine(n)]);
        await Promise.race([exited, new Promise((r) => setTimeout(r, PRODUCE_EVERY_MS))]);
      }
      assert.equal(await exited, EXIT_OK, `${output}\n${service.logs()}`);
      assert.match(output, /socket: subscribed to all/);
      assert.match(output, /socket prediction 1: SPX seq \d+ p=0\.700 model gru-smoke/);

      const unauthorized = await fetch(`${url}/api/gold/predictions?symbol=SPX&limit=10`);
      assert.equal(unauthorized.status, 401);
      const deadline = Date.now() + GOLD_TIMEOUT_MS;
      let rows = 0;
      while (rows === 0 && Date.now() < deadline) {
        const response = await fetch(`${url}/api/gold/predictions?symbol=SPX&limit=10`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(response.status, 200, await response.clone().text());
        rows = ((await response.json()) as { rows: unknown[] }).rows.length;
        if (rows === 0) await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(rows > 0, `gold.predictions holds the produced predictions:\n${service.logs()}`);
      assert.equal(await service.stop(), EXIT_OK, service.logs());
    } finally {
      service.kill();
    }
  });
});
