// Shared pieces of the publisher benchmarks: broker, topology, app processes, tokens, latency histograms.
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(import.meta.dirname, '..', '..');
const requireFromPublisher = createRequire(join(ROOT, 'apps', 'publisher', 'package.json'));
export const { Kafka, logLevel, Partitioners } = requireFromPublisher('kafkajs');
export const { pipelineTopology, Namespace, TOPICS, decodeRefinedTicks, decodeSignalRecords } =
  requireFromPublisher('@lakehouse/bus');

/** Microseconds since the epoch, sub-millisecond, comparable across processes on one machine. */
/** Progress on stderr (stdout carries only the result line). */
export const progress = (text) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

export const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** KAFKA_BROKERS, else the shared dev broker (`scripts/kafka/broker.sh start` is idempotent and never stopped here). */
export function brokers() {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS.split(',');
  const out = execFileSync(join(ROOT, 'scripts/kafka/broker.sh'), ['start'], { encoding: 'utf8' });
  const match = /KAFKA_BROKERS=(\S+)/.exec(out);
  if (!match) throw new Error(`broker.sh printed no KAFKA_BROKERS:\n${out}`);
  return match[1].split(',');
}

/** The dev broker's pid when this machine runs it (`scripts/kafka/broker.sh`), else undefined. */
export function brokerPid() {
  if (process.env.KAFKA_BROKERS) return undefined;
  try {
    const dir = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'kafka');
    return Number(readFileSync(join(dir, 'broker.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export async function createTopology(admin, namespace, partitions) {
  await admin.createTopics({
    waitForLeaders: true,
    topics: pipelineTopology({ partitions, replicationFactor: 1 }).map((t) => ({
      topic: namespace.wire(t.name),
      numPartitions: t.partitions,
      configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
}

export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/**
 * Starts `apps/<stage>/dist/main.js` and waits for /health/ready. stderr is kept for the error message.
 * PROFILE_DIR=<dir>: each stage writes a V8 CPU profile to <dir>/<name>/ when it exits. `name`: the stage's by
 * default; another for a second replica of a stage. `niceness`: the process's CPU priority (`nice -n`), 0 = normal.
 */
export async function startApp(stage, env, readyTimeoutMs = 60_000, name = stage, niceness = 0) {
  const port = await freePort();
  const profile = process.env.PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.PROFILE_DIR, name)}`]
    : [];
  const node = [process.execPath, ...profile, join(ROOT, 'apps', stage, 'dist', 'main.js')];
  const [command, ...args] = niceness === 0 ? node : ['nice', '-n', String(niceness), ...node];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { stage: name, port, url: `http://127.0.0.1:${port}`, child, stderr: () => stderr };
    if (child.exitCode !== null) throw new Error(`${stage} exited during start:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${stage} not ready after ${readyTimeoutMs} ms:\n${stderr}`);
    }
    await sleep(200);
  }
}

export async function stopApp(app) {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  const exited = once(app.child, 'exit');
  const timeout = sleep(15_000).then(() => app.child.kill('SIGKILL'));
  await Promise.race([exited, timeout]);
}

/** A JWT for the publisher (HS256, `exp` required), signed with jose as the publisher verifies it. */
export async function mintToken(secret, sub = 'bench') {
  const { SignJWT } = await import(requireFromPublisher.resolve('jose'));
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * Starts `clients` socket.io clients spread over `procs` child processes (so the receiving side is not one event
 * loop); resolves once every client has subscribed. `symbols`: each client subscribes to one symbol (round-robin),
 * or `'*'` for all; `batch`: in batch mode (`signals` frames) instead of one event per signal.
 */
export async function startClientFleet({ url, token, clients, procs, symbols, batch = false }) {
  const children = [];
  for (let p = 0; p < procs; p++) {
    const count = Math.floor(clients / procs) + (p < clients % procs ? 1 : 0);
    const first = children.reduce((n, c) => n + c.count, 0);
    const child = fork(join(import.meta.dirname, 'socket-clients.mjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.send({ type: 'start', url, token, count, first, symbols, batch });
    children.push({ child, count });
  }
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve, reject) => {
          child.once('message', (m) => (m.type === 'ready' ? resolve() : reject(new Error(m.error))));
          child.once('exit', (code) => reject(new Error(`client process exited ${code}`)));
        }),
    ),
  );
  return {
    /** The client processes' pids (for their CPU time). */
    pids: children.map(({ child }) => child.pid),
    /** Counts events stamped from `fromUs` on (earlier ones are warm-up). */
    measure: (fromUs) => children.forEach(({ child }) => child.send({ type: 'measure', fromUs })),
    /** Stops the clients; returns the merged histogram and counters. */
    async report() {
      const reports = await Promise.all(
        children.map(({ child }) => {
          const reply = new Promise((resolve) => child.once('message', resolve));
          child.send({ type: 'report' });
          return reply;
        }),
      );
      const histogram = new LatencyHistogram();
      const toPublisher = new LatencyHistogram();
      let received = 0;
      let duplicates = 0;
      let disconnects = 0;
      for (const r of reports) {
        histogram.addSparse(r.buckets);
        toPublisher.addSparse(r.toPublisher);
        received += r.received;
        duplicates += r.duplicates;
        disconnects += r.disconnects;
      }
      return { histogram, toPublisher, received, duplicates, disconnects };
    },
  };
}

/** 0.1 ms buckets up to 60 s (overflow in the last). */
export class LatencyHistogram {
  static BUCKET_MS = 0.1;
  constructor() {
    this.counts = new Uint32Array(600_001);
    this.total = 0;
  }
  add(ms) {
    const i = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms / LatencyHistogram.BUCKET_MS)));
    this.counts[i] += 1;
    this.total += 1;
  }
  sparse() {
    const out = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i] > 0) out.push([i, this.counts[i]]);
    return out;
  }
  addSparse(entries) {
    for (const [i, n] of entries) {
      this.counts[i] += n;
      this.total += n;
    }
  }
  /**
   * The p-th percentile in ms. `population` > total counts the missing samples (never delivered) as slower than any:
   * null when the rank falls among them.
   */
  percentile(p, population = this.total) {
    if (this.total === 0) return null;
    const rank = Math.ceil((p / 100) * population);
    if (rank > this.total) return null;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Number((i * LatencyHistogram.BUCKET_MS).toFixed(1));
    }
    return null;
  }
}

export { median } from '../lib/stats.mjs';

/**
 * Percentile upper bounds (ms) of a Prometheus histogram in a /metrics text, summed over its label sets:
 * `le` of the first bucket whose cumulative count reaches the rank.
 */
export function histogramPercentilesMs(metricsText, name, percentiles) {
  const buckets = new Map();
  for (const match of metricsText.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const le = /le="([^"]+)"/.exec(match[1])?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  return Object.fromEntries(
    percentiles.map((p) => {
      const found = sorted.find(([, count]) => count >= Math.ceil((p / 100) * total));
      return [`p${p}`, total === 0 || !found ? null : found[0] * 1000];
    }),
  );
}

/**
 * Reads a topic from the start up to its current end and hands every record to `onRecord` (a fresh consumer group;
 * the record's timestamp is its producer's send time, so it dates the stage that produced it).
 */
export async function readTopic(kafka, admin, wireTopic, onRecord) {
  const ends = new Map((await admin.fetchTopicOffsets(wireTopic)).map((p) => [p.partition, BigInt(p.high)]));
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (pending.size === 0) return;
  const consumer = kafka.consumer({ groupId: `bench-read-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: wireTopic, fromBeginning: true });
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) onRecord(message);
      const next = BigInt(batch.lastOffset()) + 1n;
      if (next >= ends.get(batch.partition)) pending.delete(batch.partition);
      if (pending.size === 0) done();
    },
  });
  await finished;
  await consumer.disconnect();
}
