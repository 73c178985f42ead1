import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { FIXTURES_DIR, K8S_DIR } from './repo-paths';

// k8s/scripts/cluster-smoke.sh end to end against stand-ins for kind, docker and kubectl (fixtures/fake-cluster):
// no cluster runs here, but the script's control flow, its commands and its verdicts can still be checked. The
// publisher stand-in speaks the real protocol (namespace /signals, the real TokenVerifier, subscribe with an ack,
// the Gold API behind a Bearer token), so the smoke test's client and token are checked for real.
const SCRIPT = join(K8S_DIR, 'scripts', 'cluster-smoke.sh');
const FAKE_BIN = join(FIXTURES_DIR, 'fake-cluster', 'bin');
const APPS = ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer'];
const EXIT_PASSED = 0;
const EXIT_FAILED = 1;
const EXIT_NO_CLUSTER = 2;
const RUN_LIMIT_MS = 90_000;

interface SmokeRun {
  readonly status: number | null;
  readonly output: string;
  readonly calls: readonly string[];
}

function runSmoke(env: Record<string, string> = {}): Promise<SmokeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-cluster-'));
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], {
      env: {
        ...process.env,
        PATH: `${FAKE_BIN}${delimiter}${process.env['PATH'] ?? ''}`,
        FAKE_CLUSTER_DIR: dir,
        SMOKE_TICKS: '5',
        SMOKE_TRAIN_TICKS: '20',
        SMOKE_TIMEOUT_S: '5',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: RUN_LIMIT_MS,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      let calls: string[] = [];
      try {
        calls = readFileSync(join(dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        calls = [];
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, output, calls });
    });
  });
}

describe('k8s/scripts/cluster-smoke.sh on a fake cluster', () => {
  it('builds and loads five images, applies the local overlay, trains a model, sees predictions on the socket and in Gold, metrics, scales to 3', async () => {
    const run = await runSmoke();
    assert.equal(run.status, EXIT_PASSED, run.output);
    assert.match(run.output, /PASSED/);
    for (const app of APPS) {
      assert.ok(
        run.calls.includes(
          `docker build -f docker/app.Dockerfile --build-arg APP=${app} -t fin-lakehouse/${app}:0.1.0 .`,
        ),
        app,
      );
      assert.ok(
        run.calls.includes(`kind load docker-image --name lakehouse fin-lakehouse/${app}:0.1.0`),
        app,
      );
      assert.match(run.output, new RegExp(`^${app}: \\d+ samples$`, 'm'));
    }
    const position = (pattern: RegExp): number => run.calls.findIndex((call) => pattern.test(call));
    const apply = position(/^kubectl apply -k k8s\/overlays\/local$/);
    const train = position(
      /^kubectl -n lakehouse create job --from=cronjob\/predictor-train smoke-train-\d+$/,
    );
    const predictorReady = position(/^kubectl -n lakehouse rollout status deployment\/predictor /);
    const secret = position(/^kubectl -n lakehouse get secret publisher-auth /);
    const scale = position(/^kubectl -n lakehouse scale deployment\/predictor --replicas=3$/);
    assert.ok(
      apply >= 0 && apply < train && train < predictorReady,
      'apply, train, then wait for the predictor',
    );
    assert.ok(predictorReady < secret && secret < scale, 'a token from the Secret before the socket checks');
    assert.match(run.output, /socket without a token: refused \(AUTH_MISSING\)/);
    assert.match(run.output, /socket: subscribed to all/);
    assert.match(run.output, /socket prediction 1: SPX seq \d+ p=0\.610 model gru-fake/);
    assert.match(run.output, /gold\.predictions over the API: [1-9]\d* rows/);
    assert.match(run.output, /consumer group predictor: 3 members/);
  });

  it('trains nothing when a model is already promoted', async () => {
    const run = await runSmoke({ FAKE_MODEL: 'promoted' });
    assert.equal(run.status, EXIT_PASSED, run.output);
    assert.match(run.output, /model gru-fake already promoted/);
    assert.ok(!run.calls.some((c) => c.includes(' create job ')), run.calls.join('\n'));
  });

  it('fails when the training Job fails', async () => {
    const run = await runSmoke({ FAKE_TRAIN: 'fail' });
    assert.equal(run.status, EXIT_FAILED, run.output);
    assert.match(run.output, /FAILED: training job smoke-train-\d+/);
    assert.ok(!run.calls.some((c) => c.includes(' scale ')), 'stops before scaling');
  });

  it('fails when the publisher refuses the token (signed with another secret than it verifies with)', async () => {
    const run = await runSmoke({ FAKE_SERVICE_SECRET: 'another-secret-than-the-cluster-secret-0123456789' });
    assert.equal(run.status, EXIT_FAILED, run.output);
    assert.match(run.output, /socket connect error: unauthorized AUTH_INVALID/);
    assert.match(run.output, /FAILED: no prediction on the socket/);
  });

  it('fails when no prediction reaches the socket', async () => {
    const run = await runSmoke({ FAKE_PREDICTIONS: 'off' });
    assert.equal(run.status, EXIT_FAILED, run.output);
    assert.match(run.output, /FAILED: no prediction on the socket/);
    assert.ok(!run.calls.some((c) => c.includes(' scale ')), 'stops before scaling');
  });

  it('changes nothing and exits 2 without a local cluster', async () => {
    const run = await runSmoke({ FAKE_NO_CLUSTER: '1' });
    assert.equal(run.status, EXIT_NO_CLUSTER, run.output);
    assert.match(run.output, /no local cluster detected/);
    assert.ok(!run.calls.some((c) => / (apply|build|load) /.test(c)), run.calls.join('\n'));
  });
});
