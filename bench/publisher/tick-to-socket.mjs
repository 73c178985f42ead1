// Tick-to-socket latency through the whole pipeline: ingestor → refiner → predictor → publisher, each its own process,
// with the maintainer beside them (its default schedule: today's Bronze partition compacted every 30 s), the broker
// on this machine, CLIENTS socket.io clients (in CLIENT_PROCS processes). Ticks go into `ticks.raw` at
// RATE/s, each stamped with the wall-clock time it is handed to the producer as its event time; a client's latency
// for a `prediction` is receipt time − that event time (ms resolution on the tick side: ±1 ms).
// The predictor serves MODEL_STORE_DIR's promoted model, or else an untrained GRU of the serving shape (make-model.mjs:
// the real serving cost, meaningless predictions). Prints one JSON line.
// Usage: node bench/publisher/tick-to-socket.mjs (after npm run build).
// Env: RATE (5000), SECONDS (20), WARMUP_SECONDS (10), CLIENTS (100), CLIENT_PROCS (2), SUBSCRIBE (symbol|all),
//      SOCKETS (batch|event: the clients' delivery mode, `signals` frames or one event per prediction),
//      DRAIN_SECONDS (5), PARTITIONS (3), KAFKA_BROKERS, MODEL_STORE_DIR, PROFILE_DIR (CPU profile per stage),
//      PUBLISHERS (split|one: `split`, what `./lakehouse up` runs, is a Gold-only publisher replica at nice 10
//      (GOLD_WRITER=true, LIVE_FEED=false) and a live one (GOLD_WRITER=false) the clients connect to; `one` is a
//      single publisher doing both).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  brokerPid,
  brokers,
  createTopology,
  decodeRefinedTicks,
  decodeSignalRecords,
  histogramPercentilesMs,
  LatencyHistogram,
  Kafka,
  logLevel,
  mintToken,
  Namespace,
  Partitioners,
  ROOT,
  startApp,
  startClientFleet,
  stopApp,
  TOPICS,
  progress,
  readTopic,
} from './lib.mjs';
import { BENCH_MODEL_VERSION, makeBenchModelStore } from './make-model.mjs';

const { DeltaTable } = createRequire(join(ROOT, 'apps', 'ingestor', 'package.json'))('@lakehouse/delta');
const CLOCK_TICKS_PER_SECOND = 100;
/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const RATE = Number(process.env.RATE ?? 5_000);
const SECONDS = Number(process.env.SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 10);
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const CLIENT_PROCS = Number(process.env.CLIENT_PROCS ?? 2);
const SUBSCRIBE = process.env.SUBSCRIBE ?? 'symbol';
const SOCKETS = process.env.SOCKETS ?? 'batch';
if (!['batch', 'event'].includes(SOCKETS)) throw new Error(`SOCKETS must be batch or event, not ${SOCKETS}`);
const PARTITIONS = Number(process.env.PARTITIONS ?? 3);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'XOM', 'KO'];
const SEND_EVERY_MS = 10;
const SEND_CHUNK = 500;
/** After the last tick: how long the clients may still receive (a pipeline that falls behind needs longer). */
const DRAIN_MS = Number(process.env.DRAIN_SECONDS ?? 5) * 1000;
const SECRET = randomBytes(32).toString('hex');
const WORK = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench');
const STAGES = ['maintainer', 'ingestor', 'refiner', 'predictor', 'publisher'];
const PUBLISHERS = process.env.PUBLISHERS ?? 'split';
const GOLD_WRITER_APP = PUBLISHERS === 'split' ? 'publisher-gold' : 'publisher';
if (!['one', 'split'].includes(PUBLISHERS))
  throw new Error(`PUBLISHERS must be one or split, not ${PUBLISHERS}`);

// A random walk per symbol, so the features and the model see something tick-like.
const prices = new Map(SYMBOLS.map((s, i) => [s, 100 + i * 10]));
function tick(symbol, n) {
  const price = Math.max(1, prices.get(symbol) * (1 + (Math.random() - 0.5) * 0.002));
  prices.set(symbol, price);
  return {
    key: symbol,
    value: JSON.stringify({
      symbol,
      price: Number(price.toFixed(4)),
      volume: 1 + (n % 500),
      timestamp: Date.now(),
      trade_id: `${symbol}-${n}`,
    }),
  };
}

const list = brokers();
const kafka = new Kafka({ clientId: 'bench-tick-to-socket', brokers: list, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const namespace = new Namespace(`benchpipe${Date.now()}`);
await createTopology(admin, namespace, PARTITIONS);
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
mkdirSync(WORK, { recursive: true });
const lake = mkdtempSync(join(WORK, 'pipeline-lake-'));
const modelStoreDir =
  process.env.MODEL_STORE_DIR ??
  (await makeBenchModelStore(join(lake, '..', `${lake.split('/').pop()}-models`)));
const apps = [];
try {
  const env = {
    KAFKA_BROKERS: list.join(','),
    KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    LAKE_ROOT: lake,
    MODEL_STORE_DIR: modelStoreDir,
    PUBLISHER_AUTH_SECRET: SECRET,
  };
  for (const stage of STAGES) {
    if (stage === 'publisher' && PUBLISHERS === 'split') {
      const gold = { ...env, GOLD_WRITER: 'true', LIVE_FEED: 'false' };
      apps.push(await startApp('publisher', gold, undefined, 'publisher-gold', 10));
      apps.push(await startApp('publisher', { ...env, GOLD_WRITER: 'false' }));
    } else {
      apps.push(await startApp(stage, env));
    }
    progress(`${stage} ready`);
  }
  // The clients connect to the last publisher: the only one, or the live replica.
  const publisher = apps[apps.length - 1];
  const token = await mintToken(SECRET);
  const fleet = await startClientFleet({
    url: publisher.url,
    token,
    clients: CLIENTS,
    procs: CLIENT_PROCS,
    symbols: SUBSCRIBE === 'all' ? '*' : SYMBOLS,
    batch: SOCKETS === 'batch',
  });
  progress(`${CLIENTS} clients subscribed`);
  // CPU seconds so far of each stage, the client processes together, the broker (when it is this machine's dev
  // broker) and this process (the tick producer).
  const broker = brokerPid();
  const cpuNow = () => ({
    ...Object.fromEntries(apps.map((app) => [app.stage, cpuSeconds(app.child.pid)])),
    clients: fleet.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    ...(broker === undefined ? {} : { broker: cpuSeconds(broker) }),
    producer: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const topic = namespace.wire(TOPICS.ticksRaw);
  const started = Date.now();
  let n = 0;
  let measuring = false;
  let sentMeasured = 0;
  let cpuAtStart;
  while (Date.now() - started < (WARMUP_SECONDS + SECONDS) * 1000) {
    if (!measuring && Date.now() - started >= WARMUP_SECONDS * 1000) {
      // Tick event times are whole ms: measure from the next whole ms on.
      fleet.measure((Date.now() + 1) * 1000);
      cpuAtStart = cpuNow();
      await sleep(2);
      measuring = true;
    }
    const due = Math.floor(((Date.now() - started) * RATE) / 1000);
    const messages = [];
    for (; n < due; n++) messages.push(tick(SYMBOLS[n % SYMBOLS.length], n));
    // Chunked: a late loop turn must not exceed the broker's maximum request size.
    for (let i = 0; i < messages.length; i += SEND_CHUNK) {
      await producer.send({ topic, messages: messages.slice(i, i + SEND_CHUNK), acks: 1 });
    }
    if (measuring) sentMeasured += messages.length;
    await sleep(SEND_EVERY_MS);
  }
  // CPU seconds each stage spent while the measured ticks were sent.
  const cpuAtEnd = cpuNow();
  const cpuMeasured = Object.fromEntries(
    Object.entries(cpuAtEnd).map(([name, s]) => [name, Number((s - cpuAtStart[name]).toFixed(1))]),
  );
  progress(`${n} ticks sent; draining`);
  await sleep(DRAIN_MS);
  // The commits behind the hops (whole run): how many, and how long each took (bucket bounds).
  const commits = {};
  for (const [stage, metric] of [
    ['ingestor', 'bronze_delta_commit_duration_seconds'],
    ['refiner', 'silver_commit_duration_seconds'],
    [GOLD_WRITER_APP, 'publisher_gold_commit_seconds'],
  ]) {
    const text = await fetch(`${apps.find((a) => a.stage === stage).url}/metrics`).then((r) => r.text());
    const count = [...text.matchAll(new RegExp(`^${metric}_count(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    commits[metric] = { count, ...histogramPercentilesMs(text, metric, [50, 99]) };
  }
  const { histogram, toPublisher, received, duplicates, disconnects } = await fleet.report();
  // Where a backlog sits: records each stage had produced by the end (whole run, warm-up included).
  const produced = {};
  for (const name of [TOPICS.ticksRaw, TOPICS.ticksRefined, TOPICS.signalsPredictions]) {
    const offsets = await admin.fetchTopicOffsets(namespace.wire(name));
    produced[name] = offsets.reduce((sum, p) => sum + Number(p.high), 0);
  }
  // Where the time goes before the publisher: each stage's produce time (its records' timestamps) − tick time.
  const measuredFromMs = started + WARMUP_SECONDS * 1000;
  // The Bronze commit that holds each tick: its `_commit_timestamp` (delta-rs: the commit's wall-clock ms).
  const bronzeAt = new LatencyHistogram();
  const bronze = await DeltaTable.open(join(lake, 'bronze', 'ticks'));
  const bronzeRows = await bronze.changes({ afterVersion: 0, toVersion: await bronze.latestVersion() });
  const eventTimes = bronzeRows.getChild('event_time');
  const commitTimes = bronzeRows.getChild('_commit_timestamp');
  for (let i = 0; i < bronzeRows.numRows; i++) {
    const tickMs = Number(eventTimes.get(i)); // Arrow JS reads timestamps as epoch ms
    if (tickMs > measuredFromMs) bronzeAt.add(Number(commitTimes.get(i)) - tickMs);
  }
  const refinedAt = new LatencyHistogram();
  const predictedAt = new LatencyHistogram();
  await readTopic(kafka, admin, namespace.wire(TOPICS.ticksRefined), (message) => {
    for (const t of decodeRefinedTicks(message.value)) {
      const tickMs = Number(t.eventTimeUs / 1000n);
      if (tickMs > measuredFromMs) refinedAt.add(Number(message.timestamp) - tickMs);
    }
  });
  await readTopic(kafka, admin, namespace.wire(TOPICS.signalsPredictions), (message) => {
    for (const record of decodeSignalRecords(message.value)) {
      if (record.kind !== 'prediction') continue;
      const tickMs = Number(BigInt(record.eventTimeUs) / 1000n);
      if (tickMs > measuredFromMs) predictedAt.add(Number(message.timestamp) - tickMs);
    }
  });
  const hop = (h) => ({ p50: h.percentile(50), p95: h.percentile(95), p99: h.percentile(99) });
  const perTick = SUBSCRIBE === 'all' ? CLIENTS : CLIENTS / SYMBOLS.length;
  const expected = Math.round(sentMeasured * perTick);
  console.log(
    JSON.stringify({
      bench: 'tick-to-socket',
      rate: RATE,
      seconds: SECONDS,
      clients: CLIENTS,
      subscribe: SUBSCRIBE,
      sockets: SOCKETS,
      publishers: PUBLISHERS,
      model: process.env.MODEL_STORE_DIR
        ? 'promoted in MODEL_STORE_DIR'
        : `${BENCH_MODEL_VERSION} (untrained, serving shape)`,
      ticksSent: sentMeasured,
      expectedDeliveries: expected,
      received,
      duplicates,
      disconnects,
      p50Ms: histogram.percentile(50),
      p95Ms: histogram.percentile(95),
      p99Ms: histogram.percentile(99),
      maxMs: histogram.percentile(100),
      // The parts before the socket, from tick produced to: the Bronze commit holding it, the refiner's ticks.refined produce, the predictor's
      // signals.predictions produce, the publisher's emit (publishedAt). ms clocks.
      toBronzeMs: hop(bronzeAt),
      toRefinedMs: hop(refinedAt),
      toPredictionMs: hop(predictedAt),
      toPublisherMs: {
        p50: toPublisher.percentile(50),
        p95: toPublisher.percentile(95),
        p99: toPublisher.percentile(99),
      },
      // Over every expected delivery, the undelivered ones counted as slowest: null = not delivered by the drain's end.
      ofExpected: {
        p50Ms: histogram.percentile(50, expected),
        p95Ms: histogram.percentile(95, expected),
        p99Ms: histogram.percentile(99, expected),
      },
      drainSeconds: DRAIN_MS / 1000,
      cpuSecondsMeasured: cpuMeasured,
      commits,
      produced,
    }),
  );
} catch (error) {
  for (const app of apps) console.error(`--- ${app.stage}\n${app.stderr()}`);
  throw error;
} finally {
  for (const app of apps.reverse()) await stopApp(app);
  await producer.disconnect();
  await admin
    .deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(namespace.wire(''))) })
    .catch(() => {});
  await admin.disconnect();
  rmSync(lake, { recursive: true, force: true });
  if (!process.env.MODEL_STORE_DIR) rmSync(modelStoreDir, { recursive: true, force: true });
}
