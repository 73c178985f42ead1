// Live Kafka → Bronze benchmarks, broker and ingestor on this machine:
//   sustained: a backlog of TICKS ticks in ticks.raw (6 partitions); time from the ingestor being ready to Bronze
//              holding every offset → ticks/s.
//   freshness: ticks produced at RATE/s for SECONDS, each stamped with its produce time as event time; a reader polls
//              bronze.ticks every 50 ms and records, per row, when its version became visible → p50/p95 in ms.
// Uses KAFKA_BROKERS, or starts a broker from the local jars. Prints one JSON line per measurement.
// Usage: node bench/ingestor/stream.mjs sustained|freshness   (after npm run build:native && npm run build)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(join(ROOT, 'apps', 'ingestor', 'package.json'));
const { Kafka, logLevel } = require('kafkajs');
const { DeltaTable } = require('@lakehouse/delta');
const { pipelineTopology, Namespace, TOPICS } = require('@lakehouse/bus');

const MODE = process.argv[2];
const PARTITIONS = 6;
const TICKS = Number(process.env.TICKS ?? 1_000_000);
const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 30);
const WORK = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench');
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO', 'PEP', 'WMT'];
const POLL_MS = 50;

const payload = (n, timestamp) =>
  JSON.stringify({
    symbol: SYMBOLS[n % SYMBOLS.length],
    price: 100 + (n % 1000) / 100,
    volume: 1 + (n % 500),
    timestamp,
  });

async function brokers() {
  if (process.env.KAFKA_BROKERS) return { list: process.env.KAFKA_BROKERS.split(','), stop: () => {} };
  const dir = join(WORK, 'kafka');
  const out = execFileSync(join(ROOT, 'scripts/kafka/broker.sh'), ['start', '--dir', dir], {
    encoding: 'utf8',
  });
  const list = /KAFKA_BROKERS=(\S+)/.exec(out)[1].split(',');
  return { list, stop: () => execFileSync(join(ROOT, 'scripts/kafka/broker.sh'), ['stop', '--dir', dir]) };
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function startIngestor(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'apps/ingestor/dist/main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (child.exitCode !== null) throw new Error('ingestor exited during start');
    await sleep(200);
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const kafkaHandle = await brokers();
const kafka = new Kafka({ clientId: 'bench', brokers: kafkaHandle.list, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer();
await producer.connect();
mkdirSync(WORK, { recursive: true });
const lake = mkdtempSync(join(WORK, 'stream-lake-'));
const namespace = new Namespace(`bench${Date.now()}`);
await admin.createTopics({
  waitForLeaders: true,
  topics: pipelineTopology({ partitions: PARTITIONS, replicationFactor: 1 }).map((t) => ({
    topic: namespace.wire(t.name),
    numPartitions: t.partitions,
    configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
  })),
});
const env = {
  KAFKA_BROKERS: kafkaHandle.list.join(','),
  KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
  KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  LAKE_ROOT: lake,
};
const topic = namespace.wire(TOPICS.ticksRaw);
const bronzeUri = join(lake, 'bronze', 'ticks');
let ingestor;
try {
  if (MODE === 'sustained') {
    const SEND = 10_000;
    for (let start = 0; start < TICKS; start += SEND) {
      const n = Math.min(SEND, TICKS - start);
      await producer.send({
        topic,
        messages: Array.from({ length: n }, (_, i) => ({
          key: SYMBOLS[(start + i) % SYMBOLS.length],
          value: payload(start + i, 1_767_000_000_000 + start + i),
        })),
      });
    }
    const ends = await admin.fetchTopicOffsets(topic);
    const t0 = performance.now();
    ingestor = await startIngestor(env);
    const ready = performance.now();
    const table = await (async () => {
      for (;;) {
        try {
          return await DeltaTable.open(bronzeUri);
        } catch {
          await sleep(100);
        }
      }
    })();
    for (;;) {
      let done = true;
      for (const end of ends) {
        if (Number(end.high) === 0) continue; // no key hashed here: nothing to commit, no position
        const stored = await table.txnVersion(`ingestor:${TOPICS.ticksRaw}:${end.partition}`);
        if (stored === undefined || stored < Number(end.high) - 1) {
          done = false;
          break;
        }
      }
      if (done) break;
      await sleep(250);
    }
    const t1 = performance.now();
    console.log(
      JSON.stringify({
        bench: 'sustained',
        ticks: TICKS,
        secondsFromReady: (t1 - ready) / 1000,
        ticksPerSec: TICKS / ((t1 - ready) / 1000),
        startSeconds: (ready - t0) / 1000,
      }),
    );
  } else if (MODE === 'freshness') {
    ingestor = await startIngestor(env);
    let table;
    let lastVersion = 0;
    const latencies = [];
    let producing = true;
    const poller = (async () => {
      while (producing || latencies.length === 0) {
        await sleep(POLL_MS);
        table ??= await DeltaTable.open(bronzeUri).catch(() => undefined);
        if (!table) continue;
        const latest = await table.latestVersion();
        if (latest <= lastVersion) continue;
        const seen = Date.now();
        const rows = await table.changes({ afterVersion: lastVersion, toVersion: latest });
        lastVersion = latest;
        const times = rows.getChild('event_time');
        for (let i = 0; i < rows.numRows; i++) latencies.push(seen - Number(times.get(i)));
      }
    })();
    const perTick = 1000 / RATE;
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor((Date.now() - started) / perTick);
      const messages = [];
      for (; n < due; n++) messages.push({ key: SYMBOLS[n % SYMBOLS.length], value: payload(n, Date.now()) });
      if (messages.length > 0) await producer.send({ topic, messages });
      await sleep(10);
    }
    await sleep(3000);
    producing = false;
    await poller;
    latencies.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'freshness',
        rate: RATE,
        seconds: SECONDS,
        produced: n,
        measured: latencies.length,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        p99Ms: percentile(latencies, 99),
      }),
    );
  } else {
    throw new Error('usage: stream.mjs sustained|freshness');
  }
} finally {
  ingestor?.kill('SIGKILL');
  await producer.disconnect();
  await admin.disconnect();
  kafkaHandle.stop();
  rmSync(lake, { recursive: true, force: true });
}
