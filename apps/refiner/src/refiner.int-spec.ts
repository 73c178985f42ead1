import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  decodeRefinedTicks,
  decodeTickOutcomes,
  encodeJson,
  KafkaBatchTransport,
  Namespace,
  type RefinedTick,
  type TickOutcome,
  TOPICS,
} from '@lakehouse/bus';
import { SqlSession } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import { BRONZE_TICKS, DeltaLake, silverTicksTable } from '@lakehouse/lake';
import { bootstrapStage, ReadinessRegistry } from '@lakehouse/platform';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import type { INestApplication } from '@nestjs/common';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { refinerConfigSchema } from './config/refiner.config';
import { RefinerModule } from './refiner.module';
import { replayOrder } from './silver/late-repair.plan';
import { bronzeRow, series } from './silver/refiner-test-kit';
import { silverTickOf } from './silver/silver-refine';
import { silverRowsOf } from './silver/silver-rows';
import { initialBook, stepBook } from './silver/symbol-book';

const TICKS = 120;
/** On-time ticks after the late one in the second test: enough to close its 10-tick horizon. */
const LATER = 12;
const NAMES = featureNames(DEFAULT_FEATURE_CONFIG);
const TABLE = silverTicksTable(NAMES);
const L = DEFAULT_FEATURE_CONFIG.sequenceLength;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The refiner as its own Nest app, on the given broker, namespace and lake. */
function startApp(
  port: number,
  brokers: readonly string[],
  namespace: Namespace,
  root: string,
): Promise<INestApplication> {
  return bootstrapStage({
    stage: 'refiner',
    configSchema: refinerConfigSchema,
    module: (config) => RefinerModule.register(config),
    transport: (nest) => nest.get(KafkaBatchTransport),
    env: {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: '2',
      LAKE_ROOT: root,
      // Only lake.commits wakes it: the test shows the notification path, not the poll.
      REFINER_POLL_INTERVAL_MS: '600000',
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.REFINER_TEST_LOG_LEVEL ?? 'fatal',
    },
  });
}

describe('the refiner app on a real broker and Delta tables', { timeout: 180_000 }, () => {
  let broker: KafkaHandle;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer;
  let root: string;
  let app: INestApplication;
  const namespace = new Namespace(`refiner-int-${randomUUID().slice(0, 8)}`);
  const refined: RefinedTick[] = [];
  const outcomes: TickOutcome[] = [];

  /** What the ingestor does after a Bronze commit: announce it on `lake.commits`. */
  const announce = (version: bigint, batchId: string, recordCount: number) =>
    producer.send({
      topic: namespace.wire(TOPICS.lakeCommits),
      messages: [
        {
          key: BRONZE_TICKS.name,
          value: encodeJson({
            schemaVersion: 1,
            table: BRONZE_TICKS.name,
            version: String(version),
            batchId,
            recordCount,
            committedAt: new Date().toISOString(),
          }),
        },
      ],
    });

  const silverRows = async (lake: DeltaLake) => {
    const session = SqlSession.create();
    await session.register('s', await lake.handle(TABLE));
    return silverRowsOf(await session.sql('SELECT * FROM s'), NAMES);
  };

  before(async () => {
    broker = await acquireKafka();
    kafka = new Kafka({ clientId: 'refiner-int', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    root = await mkdtemp(join(tmpdir(), 'refiner-int-'));
    // A free port can be taken by a parallel test between the probe and the listen: try another one.
    for (let attempt = 1; ; attempt += 1) {
      try {
        app = await startApp(await freePort(), broker.brokers, namespace, root);
        break;
      } catch (error) {
        if (attempt >= 3 || (error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      }
    }
    consumer = kafka.consumer({ groupId: namespace.wire('refiner-int-tail') });
    await consumer.connect();
    await consumer.subscribe({
      topics: [namespace.wire(TOPICS.ticksRefined), namespace.wire(TOPICS.ticksOutcomes)],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        if (topic === namespace.wire(TOPICS.ticksRefined)) refined.push(...decodeRefinedTicks(message.value));
        else outcomes.push(...decodeTickOutcomes(message.value));
        return Promise.resolve();
      },
    });
  });

  after(async () => {
    await consumer?.disconnect();
    await app?.close();
    await producer?.disconnect();
    await broker?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('refines the Bronze versions a lake.commits notification announces and publishes records that decode', async () => {
    const lake = new DeltaLake(root);
    await lake.ensureTable(BRONZE_TICKS);
    const ticks = series('AAPL', TICKS);
    const { version } = await lake.append(
      BRONZE_TICKS,
      ticks.map((t, i) => bronzeRow(t, i)),
      [],
    );
    await announce(version, 'int', TICKS);
    await eventually('every event on ticks.refined', () => (refined.length >= TICKS ? true : undefined));
    // The refiner announces before its Silver commit: the rows land behind the records.
    const rows = await eventually('every event in silver.ticks', async () => {
      const held = await silverRows(lake);
      return held.length >= TICKS ? held : undefined;
    });
    assert.equal(rows.length, TICKS);
    assert.deepEqual(
      refined.map((r) => r.eventId),
      rows.map((r) => r.eventId),
    );
    const probe = new Map(app.get(ReadinessRegistry).entries()).get('silver');
    assert.deepEqual(await probe?.(), {
      up: true,
      details: { resumed: true, position: String(version), lastError: null },
    });
    // The window of an event is its symbol's last L feature vectors in Silver, as float32.
    const last = refined[TICKS - 1]!;
    assert.equal(last.window?.steps, L);
    assert.equal(last.window?.features, NAMES.length);
    const expected = Float32Array.from(rows.slice(TICKS - L).flatMap((r) => r.features as number[]));
    assert.deepEqual(last.window?.values, expected);
    assert.equal(refined.find((r) => r.window !== null)?.eventId, rows[L + 60 - 1]?.eventId);

    // Outcomes: each event with a σ window behind it, once its 10-tick horizon has passed.
    const horizon =
      DEFAULT_LABEL_DEFINITION.horizon.kind === 'ticks' ? DEFAULT_LABEL_DEFINITION.horizon.ticks : 0;
    await eventually('outcomes', () => (outcomes.length > 0 ? true : undefined));
    for (const o of outcomes) {
      const at = rows.findIndex((r) => r.eventId === o.eventId);
      assert.equal(o.horizonEventId, rows[at + horizon]?.eventId);
      assert.equal(o.labelVersion, DEFAULT_LABEL_DEFINITION.version);
    }
  });

  it('repairs a late tick on its own: Silver gets event-time-order features and the changed outcomes are re-emitted', async () => {
    const lake = new DeltaLake(root);
    const all = series('AAPL', TICKS + LATER);
    // 1.5 s behind AAPL's latest when it arrives: late (watermark 5 s), then more on-time ticks.
    const late = { ...all[TICKS - 2]!, timestamp: all[TICKS - 2]!.timestamp - 500, price: 150 };
    const { version } = await lake.append(
      BRONZE_TICKS,
      [late, ...all.slice(TICKS)].map((t, i) => bronzeRow(t, TICKS + i)),
      [],
    );
    await announce(version, 'int-late', LATER + 1);
    const deadline = Date.now() + 60_000;
    let rows = await silverRows(lake);
    while (!rows.some((r) => r.lateStatus === 'repaired')) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the late tick to be repaired');
      await new Promise((r) => setTimeout(r, 200));
      rows = await silverRows(lake);
    }
    assert.equal(rows.length, TICKS + LATER + 1);
    assert.deepEqual(
      rows.filter((r) => r.lateStatus !== 'on_time').map((r) => r.lateStatus),
      ['repaired'],
    );
    const repairedId = rows.find((r) => r.lateStatus === 'repaired')!.eventId;

    // What in-order arrival gives: the domain's step over the rows in event-time order.
    const model = { features: DEFAULT_FEATURE_CONFIG, labels: DEFAULT_LABEL_DEFINITION };
    let book = initialBook();
    const expected = new Map<string, unknown>();
    const inOrderOutcomes = new Map<string, string>();
    for (const row of [...rows].sort(replayOrder)) {
      const step = stepBook(book, silverTickOf(row), model);
      assert.equal(step.kind, 'applied');
      if (step.kind !== 'applied') continue;
      book = step.book;
      expected.set(row.eventId, step.values);
      for (const o of step.outcomes) inOrderOutcomes.set(o.eventId, o.horizonEventId);
    }
    for (const row of rows) assert.deepEqual(row.features, expected.get(row.eventId), row.eventId);

    // The repaired event's own outcome (its horizon closes among the later ticks) is emitted by the repair, and
    // Gold's upserted view of every outcome equals in-order arrival's.
    await eventually('the repaired event’s outcome', () =>
      outcomes.some((o) => o.eventId === repairedId) ? true : undefined,
    );
    const upserted = new Map(outcomes.map((o) => [o.eventId, o.horizonEventId]));
    assert.deepEqual([...upserted].sort(), [...inOrderOutcomes].sort());
  });
});
