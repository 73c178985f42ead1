import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { REPO_ROOT } from './repo-paths';
import { containerEnv } from './container-env';
import { PIPELINE_APPS } from './app-config.reader';

// Each service booted from the tree its image would hold (docker/assemble-runtime.sh, as the Dockerfile runs it:
// production dependencies of its workspace only, built dist/, no sources or specs), with the environment the local
// overlay gives its Deployment, as an unprivileged user that owns none of its files. It must become ready and serve
// /health, /health/ready and /metrics, then stop cleanly on SIGTERM. Only the broker, the lake path, the port and a
// topic namespace are swapped for the test's own.
const ASSEMBLE = join(REPO_ROOT, 'docker', 'assemble-runtime.sh');
const NOBODY = 65534;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitFor(url: string, child: ChildProcess, logs: () => string): Promise<Response> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`exited with ${child.exitCode} before ${url} answered:\n${logs()}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return response;
    if (Date.now() > deadline) throw new Error(`${url} not 200 after ${READY_TIMEOUT_MS} ms:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('each service boots from its image layout with the manifests’ environment', () => {
  const brokers = process.env['KAFKA_BROKERS'];
  const root = mkdtempSync(join(tmpdir(), 'image-layout-'));
  const objects = renderKustomization('overlays/local');
  const asRoot = process.getuid?.() === 0;
  let node = process.execPath;

  before(() => {
    assert.ok(brokers, 'KAFKA_BROKERS is not set: start a broker (./lakehouse broker start) and export it');
    chmodSync(root, 0o755);
    if (asRoot) {
      // The unprivileged user cannot reach a Node under root's home.
      node = join(root, 'node');
      copyFileSync(process.execPath, node);
      chmodSync(node, 0o755);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const app of PIPELINE_APPS) {
    it(`${app}: ready, healthy and scraped, then stops cleanly`, async () => {
      const tree = join(root, app);
      for (const mode of ['deps', 'dist']) {
        execFileSync(ASSEMBLE, [mode, REPO_ROOT, app, tree, 'none'], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      }
      execFileSync('chmod', ['-R', 'a+rX,a-w', tree]);
      const lake = mkdtempSync(join(root, `${app}-lake-`));
      chmodSync(lake, 0o777);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);
      assert.ok(deployment);
      const port = await freePort();
      const env = {
        ...containerEnv(objects, deployment),
        KAFKA_BROKERS: brokers ?? '',
        KAFKA_NAMESPACE: `k8simg${Date.now()}`,
        LAKE_ROOT: lake,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        HOME: '/tmp',
        PATH: '/usr/bin:/bin',
      };
      const child = spawn(node, ['--enable-source-maps', join(tree, 'main.js')], {
        cwd: tree,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const logs = (): string => output.slice(-4000);
      try {
        await waitFor(`http://127.0.0.1:${port}/health/ready`, child, logs);
        await waitFor(`http://127.0.0.1:${port}/health`, child, logs);
        const metrics = await (await waitFor(`http://127.0.0.1:${port}/metrics`, child, logs)).text();
        assert.match(metrics, /^# TYPE /m);
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        const code = await Promise.race([
          exited,
          new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)),
        ]);
        assert.equal(code, 0, `exit after SIGTERM:\n${logs()}`);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});
