// Freshness from produce to visible in silver.ticks, through the real ingestor and refiner processes: ticks are
// produced to ticks.raw at RATE/s for SECONDS, each stamped with its produce time as event time; a reader polls
// silver.ticks's change feed every 50 ms and records, per row, when its version became visible → p50/p95/p99 ms.
// Uses KAFKA_BROKERS (required: scripts/kafka/broker.sh start). Prints one JSON line.
// Usage: node bench/refiner/freshness.mjs   env: RATE (10000), DURATION_S (30), PARTITIONS (6),
//        PROFILE_DIR (write a CPU profile of the refiner there)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(join(ROOT, 'apps', 'refiner', 'package.json'));
const { Kafka, logLevel } = require('kafkajs');
const { DeltaTable } = require('@lakehouse/delta');
const { pipelineTopology, Namespace, TOPICS } = require('@lakehouse/bus');

const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.DURATION_S ?? 30);
const PARTITIONS = Number(process.env.PARTITIONS ?? 6);
const POLL_MS = 50;
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO', 'PEP', 'WMT'];
const payload = (n, timestamp) =>
  JSON.stringify({
    symbol: SYMBOLS[n % SYMBOLS.length],
    price: 100 + (n % 1000) / 100,
    volume: 1 + (n % 500),
    timestamp,
  });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function start(stage, env) {
  const port = await freePort();
  const profile =
    stage === 'refiner' && process.env.PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
      : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, 'apps', stage, 'dist', 'main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (child.exitCode !== null) throw new Error(`${stage} exited during start`);
    await sleep(200);
  }
}

if (!process.env.KAFKA_BROKERS) throw new Error('set KAFKA_BROKERS (scripts/kafka/broker.sh start)');
const brokers = process.env.KAFKA_BROKERS.split(',');
const kafka = new Kafka({ clientId: 'bench-refiner', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer();
await producer.connect();
const lake = mkdtempSync(join(tmpdir(), 'refiner-fresh-'));
const namespace = new Namespace(`benchref${Date.now()}`);
await admin.createTopics({
  waitForLeaders: true,
  topics: pipelineTopology({ partitions: PARTITIONS, replicationFactor: 1 }).map((t) => ({
    topic: namespace.wire(t.name),
    numPartitions: t.partitions,
    configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
  })),
});
const env = {
  KAFKA_BROKERS: brokers.join(','),
  KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
  KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  LAKE_ROOT: lake,
  REFINER_POLL_INTERVAL_MS: '250',
};
const children = [];
try {
  children.push(await start('ingestor', env), await start('refiner', env));
  const silverUri = join(lake, 'silver', 'ticks');
  let table;
  let lastVersion = 0;
  const latencies = [];
  let producing = true;
  const poller = (async () => {
    while (producing || latencies.length === 0) {
      await sleep(POLL_MS);
      table ??= await DeltaTable.open(silverUri).catch(() => undefined);
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
    if (messages.length > 0) await producer.send({ topic: namespace.wire(TOPICS.ticksRaw), messages });
    await sleep(10);
  }
  const achieved = n / ((Date.now() - started) / 1000);
  await sleep(5000);
  producing = false;
  await poller;
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: 'freshness',
      rate: RATE,
      achievedRate: Math.round(achieved),
      seconds: SECONDS,
      produced: n,
      measured: latencies.length,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
    }),
  );
} finally {
  // SIGTERM: a profiled refiner writes its profile on a clean exit.
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
  await producer.disconnect();
  await admin.disconnect();
  rmSync(lake, { recursive: true, force: true });
}
