import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { FIXTURES_DIR, K8S_DIR } from './repo-paths';

// k8s/scripts/cluster-smoke.sh end to end against stand-ins for kind, docker and kubectl (fixtures/fake-cluster):
// no cluster runs here, but the script's control flow, its commands and its verdicts can still be checked.
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
  it('builds and loads five images, applies the local overlay, sees predictions and metrics, scales to 3', async () => {
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
    const order = [
      'kubectl apply -k k8s/overlays/local',
      'kubectl -n lakehouse scale deployment/predictor --replicas=3',
    ];
    const [apply, scale] = order.map((call) => run.calls.indexOf(call));
    assert.ok(apply !== undefined && scale !== undefined && apply >= 0 && scale > apply, 'apply, then scale');
    assert.match(run.output, /consumer group predictor: 3 members/);
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
