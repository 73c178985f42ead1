import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type Namespace, pipelineTopology } from '@lakehouse/bus';
import { type Admin } from 'kafkajs';

export const REPO_ROOT = resolve(__dirname, '../..');

export type StageName = 'ingestor' | 'refiner' | 'predictor' | 'publisher' | 'maintainer';

/** One app running as its own OS process, with its output kept for the failure message. */
export class StageProcess {
  private readonly child: ChildProcess;
  private output = '';
  private stdoutText = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly stage: StageName,
    readonly port: number,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, [join(REPO_ROOT, 'apps', stage, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, TZ: 'UTC', ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    this.child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      this.stdoutText += chunk.toString();
    });
    this.child.stderr?.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** stdout and stderr, interleaved. */
  logs(): string {
    return this.output;
  }

  stdout(): string {
    return this.stdoutText;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** GET as JSON; `undefined` while the server is not answering. */
export async function getJson(url: string): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(url);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (e.g. /metrics)
    }
    return { status: response.status, body };
  } catch {
    return undefined;
  }
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  describeFailure: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${describeFailure()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates the pipeline's topics under a test namespace, with the partition counts and configs the apps expect. */
export async function createTopology(admin: Admin, namespace: Namespace, partitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: pipelineTopology({ partitions, replicationFactor: 1 }).map((t) => ({
      topic: namespace.wire(t.name),
      numPartitions: t.partitions,
      configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
}
