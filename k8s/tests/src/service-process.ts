import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './repo-paths';
import type { PipelineApp } from './app-config.reader';

const ASSEMBLE = join(REPO_ROOT, 'docker', 'assemble-runtime.sh');
const NOBODY = 65534;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Assembles `app`'s runtime tree in `dir` with docker/assemble-runtime.sh (what the image holds) and makes it
 * read-only. VARIANT `none`: no native TensorFlow backend (libtensorflow is fetched from outside the registries).
 */
export function assembleRuntime(app: PipelineApp, dir: string): void {
  for (const mode of ['deps', 'dist']) {
    execFileSync(ASSEMBLE, [mode, REPO_ROOT, app, dir, 'none'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync('chmod', ['-R', 'a+rX,a-w', dir]);
}

export function freePort(): Promise<number> {
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

/** A copy of Node that an unprivileged user can run when the tests run as root (root's home is closed). */
function runnableNode(scratch: string): { node: string; asRoot: boolean } {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot) return { node: process.execPath, asRoot };
  const node = join(scratch, 'node');
  if (!existsSync(node)) {
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  return { node, asRoot };
}

/** Runs a script of an assembled tree to completion, like a Job's container (unprivileged); returns its output. */
export function runInTree(
  tree: string,
  args: readonly string[],
  env: Record<string, string>,
  scratch: string,
): string {
  const { node, asRoot } = runnableNode(scratch);
  return execFileSync(node, ['--enable-source-maps', ...args], {
    cwd: tree,
    env: { ...env, HOME: '/tmp', PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

/**
 * Runs a Job's own shell script (its `command: [/bin/sh, -ec, SCRIPT]`) against an assembled tree, as an
 * unprivileged user: `/app/` in the script (the image's working directory) becomes the tree, and `node` is on PATH.
 */
export function runJobScript(
  tree: string,
  script: string,
  env: Record<string, string>,
  scratch: string,
): string {
  const { node, asRoot } = runnableNode(scratch);
  return execFileSync('/bin/sh', ['-ec', script.replaceAll('/app/', `${tree}/`)], {
    cwd: tree,
    env: { ...env, HOME: '/tmp', PATH: `${dirname(node)}:/usr/bin:/bin` },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

/** A service started from an assembled tree, as an unprivileged user when the tests run as root. */
export class ServiceProcess {
  private output = '';
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** `scratch`: a world-readable directory for a copy of Node when running as root (root's home is closed). */
  static async start(tree: string, env: Record<string, string>, scratch: string): Promise<ServiceProcess> {
    const { node, asRoot } = runnableNode(scratch);
    const port = await freePort();
    const child = spawn(node, ['--enable-source-maps', join(tree, 'main.js')], {
      cwd: tree,
      env: { ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', HOME: '/tmp', PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    return new ServiceProcess(child, port);
  }

  logs(): string {
    return this.output.slice(-4000);
  }

  /** GETs `path` until it answers 200; fails early if the process exits. */
  async get(path: string, timeoutMs = READY_TIMEOUT_MS): Promise<Response> {
    const url = `http://127.0.0.1:${this.port}${path}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(`exited with ${this.child.exitCode} before ${url} answered:\n${this.logs()}`);
      }
      const response = await fetch(url).catch(() => undefined);
      if (response?.status === 200) return response;
      if (Date.now() > deadline) throw new Error(`${url} not 200 after ${timeoutMs} ms:\n${this.logs()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** SIGTERM, then the exit code (or 'timeout'). */
  async stop(): Promise<number | null | 'timeout'> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const result = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)),
    ]);
    if (result === 'timeout') this.child.kill('SIGKILL');
    return result;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export function requireBrokers(): string {
  const brokers = process.env['KAFKA_BROKERS'];
  assert.ok(brokers, 'KAFKA_BROKERS is not set: start a broker (./lakehouse broker start) and export it');
  return brokers;
}
