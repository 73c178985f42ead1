// Socket fan-out alone: the publisher as a process, prediction records produced straight into its
// `signals.predictions` topic at RATE/s for SECONDS, CLIENTS socket.io clients (in CLIENT_PROCS processes).
// Latency = socket receipt − the wall-clock time the record was handed to the Kafka producer (its eventTimeUs).
// Includes the Kafka hop (produce → publisher consume) and everything the publisher does per batch.
// Prints one JSON line. Usage: node bench/publisher/fanout.mjs (after npm run build).
// Env: RATE (5000), SECONDS (20), WARMUP_SECONDS (5), CLIENTS (100), CLIENT_PROCS (2), SUBSCRIBE (symbol|all),
//      DRAIN_SECONDS (3), PARTITIONS (3), KAFKA_BROKERS.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  brokers,
  createTopology,
  histogramPercentilesMs,
  Kafka,
  logLevel,
  mintToken,
  Namespace,
  nowUs,
  progress,
  Partitioners,
  ROOT,
  startApp,
  startClientFleet,
  stopApp,
  TOPICS,
} from './lib.mjs';

const RATE = Number(process.env.RATE ?? 5_000);
const SECONDS = Number(process.env.SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 5);
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const CLIENT_PROCS = Number(process.env.CLIENT_PROCS ?? 2);
const SUBSCRIBE = process.env.SUBSCRIBE ?? 'symbol';
const PARTITIONS = Number(process.env.PARTITIONS ?? 3);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const SEND_EVERY_MS = 10;
const SEND_CHUNK = 500;
/** After the last record: how long the clients may still receive. */
const DRAIN_MS = Number(process.env.DRAIN_SECONDS ?? 3) * 1000;
const SECRET = randomBytes(32).toString('hex');
const WORK = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench');

function prediction(symbol, n) {
  const eventTimeUs = nowUs();
  return {
    key: symbol,
    value: JSON.stringify({
      schemaVersion: 1,
      kind: 'prediction',
      eventId: randomBytes(32).toString('hex'),
      symbol,
      eventTimeUs: String(eventTimeUs),
      price: 100 + (n % 1000) / 100,
      probability: (n % 100) / 100,
      predictedLabel: n % 100 >= 50 ? 1 : 0,
      threshold: 0.5,
      modelVersion: 'bench',
      backend: 'bench',
      labelVersion: 'bench',
      silverVersion: '0',
      inferenceLatencyMs: 0,
      producedAt: new Date(eventTimeUs / 1000).toISOString(),
    }),
  };
}

const list = brokers();
const kafka = new Kafka({ clientId: 'bench-fanout', brokers: list, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const namespace = new Namespace(`benchpub${Date.now()}`);
await createTopology(admin, namespace, PARTITIONS);
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
mkdirSync(WORK, { recursive: true });
const lake = mkdtempSync(join(WORK, 'fanout-lake-'));
let publisher;
try {
  publisher = await startApp('publisher', {
    KAFKA_BROKERS: list.join(','),
    KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    LAKE_ROOT: lake,
    PUBLISHER_AUTH_SECRET: SECRET,
  });
  progress(`publisher ready at ${publisher.url}`);
  const token = await mintToken(SECRET);
  const fleet = await startClientFleet({
    url: publisher.url,
    token,
    clients: CLIENTS,
    procs: CLIENT_PROCS,
    symbols: SUBSCRIBE === 'all' ? '*' : SYMBOLS,
  });
  progress(`${CLIENTS} clients subscribed`);
  const topic = namespace.wire(TOPICS.signalsPredictions);
  const started = Date.now();
  let n = 0;
  let measuredFrom = null;
  let sentMeasured = 0;
  while (Date.now() - started < (WARMUP_SECONDS + SECONDS) * 1000) {
    if (measuredFrom === null && Date.now() - started >= WARMUP_SECONDS * 1000) {
      fleet.measure(nowUs());
      measuredFrom = n;
    }
    const due = Math.floor(((Date.now() - started) * RATE) / 1000);
    const messages = [];
    for (; n < due; n++) messages.push(prediction(SYMBOLS[n % SYMBOLS.length], n));
    // Chunked: a late loop turn must not exceed the broker's maximum request size.
    for (let i = 0; i < messages.length; i += SEND_CHUNK) {
      await producer.send({ topic, messages: messages.slice(i, i + SEND_CHUNK), acks: 1 });
    }
    if (measuredFrom !== null) sentMeasured += messages.length;
    await sleep(SEND_EVERY_MS);
  }
  progress(`${n} predictions sent; draining`);
  await sleep(DRAIN_MS);
  const { histogram, received, duplicates, disconnects } = await fleet.report();
  const perMessage = SUBSCRIBE === 'all' ? CLIENTS : CLIENTS / SYMBOLS.length;
  const expected = Math.round(sentMeasured * perMessage);
  const metrics = await fetch(`${publisher.url}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  const dropped = [
    ...metrics.matchAll(/^publisher_socket_dropped_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)/gm),
  ].reduce((sum, m) => sum + Number(m[1]), 0);
  console.log(
    JSON.stringify({
      bench: 'fanout',
      rate: RATE,
      seconds: SECONDS,
      clients: CLIENTS,
      subscribe: SUBSCRIBE,
      sent: sentMeasured,
      expectedDeliveries: expected,
      received,
      duplicates,
      disconnects,
      droppedByPublisher: dropped,
      drainSeconds: DRAIN_MS / 1000,
      p50Ms: histogram.percentile(50),
      p95Ms: histogram.percentile(95),
      p99Ms: histogram.percentile(99),
      maxMs: histogram.percentile(100),
      // Over every expected delivery, the undelivered ones counted as slowest: null = not delivered by the drain's end.
      ofExpected: {
        p50Ms: histogram.percentile(50, expected),
        p95Ms: histogram.percentile(95, expected),
        p99Ms: histogram.percentile(99, expected),
      },
      // The publisher's own view (whole run incl. warm-up): Kafka record timestamp → emit, bucket upper bounds.
      publisherEmitLatencyMs: histogramPercentilesMs(metrics, 'publisher_emit_latency_seconds', [50, 99]),
      goldCommitMs: histogramPercentilesMs(metrics, 'publisher_gold_commit_seconds', [50, 99]),
    }),
  );
} finally {
  if (publisher) await stopApp(publisher);
  await producer.disconnect();
  await admin
    .deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(namespace.wire(''))) })
    .catch(() => {});
  await admin.disconnect();
  rmSync(lake, { recursive: true, force: true });
}
