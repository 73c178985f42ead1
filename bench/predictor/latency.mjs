// Added latency of the predictor on a real broker, in its own process: one replica (the app module as main.ts
// wires it, in this process), a producer sending ticks.refined records at a fixed rate, a consumer reading
// signals.predictions. Two numbers per event: the stage's own consume → produce time (inferenceLatencyMs, from the
// batch handed to the handler to just before the produce) and the end-to-end time from the input record's
// CreateTime to the output record's CreateTime (adds the broker hop and the fetch wait).
// Prints one JSON line. Usage: KAFKA_BROKERS=... node bench/predictor/latency.mjs [rate/s] [seconds]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const bus = require('../../libs/bus/dist/index.js');
const model = require('../../libs/model/dist/index.js');
const harness = require('../../apps/predictor/dist/testing/predictor-harness.js');
const { refinedTick } = require('../../apps/predictor/dist/testing/refined-ticks.js');
const { ModelHolder } = require('../../apps/predictor/dist/serving/model-holder.js');

const [rateArg = '2000', secondsArg = '15'] = process.argv.slice(2);
const RATE = Number(rateArg);
const SECONDS = Number(secondsArg);
const STEPS = 30;
const FEATURES = 20;
const UNITS = 64;
const PARTITIONS = 6;
const TICK_MS = 10;
const WARM_UP_SECONDS = 2;
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) throw new Error('KAFKA_BROKERS is required');

const dir = await mkdtemp(join(tmpdir(), 'predictor-latency-'));
const store = new model.FilesystemModelStore(dir);
await store.save(
  await model.createUntrainedArtifact({
    version: 'bench',
    timesteps: STEPS,
    features: FEATURES,
    units: UNITS,
  }),
);
await store.promote('bench');
const namespace = `bench-pred-${randomUUID().slice(0, 8)}`;
const app = await harness.startReplica({
  brokers,
  namespace,
  groupId: 'predictor',
  modelStoreDir: dir,
  partitions: PARTITIONS,
});
await harness.eventually('ready', async () => ((await harness.isReady(app)) ? true : undefined));

// Pre-encoded payloads: the sender must not be the bottleneck.
const payloads = Array.from({ length: 4096 }, (_, i) => {
  const tick = refinedTick(i, {
    symbol: `S${i % 12}`,
    steps: STEPS,
    features: FEATURES,
    featureVersion: 'untrained',
  });
  return { symbol: tick.symbol, tick };
});
const kafka = harness.kafkaClient(brokers);
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const sentAt = new Map();
const samples = [];
const consumer = kafka.consumer({ groupId: `${namespace}.bench-reader` });
await consumer.connect();
await consumer.subscribe({ topic: `${namespace}.signals.predictions`, fromBeginning: true });
const measureFrom = Date.now() + WARM_UP_SECONDS * 1000;
await consumer.run({
  eachMessage: async ({ message }) => {
    for (const record of bus.decodeSignalRecords(message.value)) {
      const created = sentAt.get(record.eventId);
      if (record.kind !== 'prediction' || created === undefined || created < measureFrom) continue;
      samples.push({ stage: record.inferenceLatencyMs, endToEnd: Number(message.timestamp) - created });
    }
  },
});

let n = 0;
const perTick = (RATE * TICK_MS) / 1000;
const deadline = Date.now() + (WARM_UP_SECONDS + SECONDS) * 1000;
let carry = 0;
while (Date.now() < deadline) {
  const started = Date.now();
  carry += perTick;
  const count = Math.floor(carry);
  carry -= count;
  const messages = [];
  for (let i = 0; i < count; i += 1, n += 1) {
    const { tick } = payloads[n % payloads.length];
    const fresh = { ...tick, eventId: randomUUID().replace(/-/g, '').padEnd(64, '0') };
    const timestamp = Date.now();
    sentAt.set(fresh.eventId, timestamp);
    messages.push({ key: fresh.symbol, value: bus.encodeRefinedTick(fresh), timestamp: String(timestamp) });
  }
  if (messages.length > 0) await producer.send({ topic: `${namespace}.ticks.refined`, messages });
  const wait = TICK_MS - (Date.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
const expected = [...sentAt.values()].filter((t) => t >= measureFrom).length;
await harness.eventually(
  'all predictions',
  () => Promise.resolve(samples.length >= expected ? true : undefined),
  60_000,
);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const stage = samples.map((s) => s.stage);
const endToEnd = samples.map((s) => s.endToEnd);
console.log(
  JSON.stringify({
    rate: RATE,
    seconds: SECONDS,
    events: samples.length,
    backend: app.get(ModelHolder).probe().details.backend,
    stageMs: { p50: pct(stage, 50), p95: pct(stage, 95), p99: pct(stage, 99), max: Math.max(...stage) },
    endToEndMs: {
      p50: pct(endToEnd, 50),
      p95: pct(endToEnd, 95),
      p99: pct(endToEnd, 99),
      max: Math.max(...endToEnd),
    },
  }),
);
await consumer.disconnect();
await producer.disconnect();
await app.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
