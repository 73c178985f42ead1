import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  LAKE_COMMIT_ROWS_HEADER,
  lakeCommitNotificationSchema,
} from '@lakehouse/bus';
import { tableFromIPC } from 'apache-arrow';
import { BRONZE_QUARANTINE, BRONZE_TICKS, InMemoryLake } from '@lakehouse/lake';
import { type Clock, FixedClock, PipelineMetrics, SystemClock } from '@lakehouse/platform';
import { BronzeExactlyOnce } from './bronze/bronze-exactly-once';
import { BronzeMetrics } from './bronze/bronze-metrics';
import { INGESTOR_TOPICS } from './config/ingestor.config';
import { IngestorConsumer } from './ingestor.consumer';
import { IngestorService } from './ingestor.service';

const NOW = new Date('2024-01-02T15:00:00.000Z');
const GOOD_SPX = '{"symbol":"SPX","price":4700.5,"volume":3,"timestamp":1704207600000,"trade_id":"SPX-1"}';
const GOOD_IXIC = '{"symbol":"IXIC","price":14800,"volume":1,"timestamp":1704207600001}';
const NOT_A_TICK = '{"symbol":"SPX","price":"cheap"}';
const SLICE = 2;

async function wire(maxRecordsPerCommit = 1000, minCommitIntervalMs = 0, clock: Clock = new FixedClock(NOW)) {
  const lake = new InMemoryLake();
  const bronze = new BronzeExactlyOnce(lake);
  await bronze.ensureTables();
  const producer = new InMemoryMessageProducer();
  const deadLetters = new InMemoryDeadLetter();
  const metrics = new BronzeMetrics(new PipelineMetrics('ingestor'));
  const service = new IngestorService(bronze, producer, deadLetters, metrics, clock, {
    maxRecordsPerCommit,
    minCommitIntervalMs,
  });
  return { lake, producer, deadLetters, metrics, consumer: new IngestorConsumer(service, clock, {}) };
}

function notifications(producer: InMemoryMessageProducer) {
  return producer
    .messages(INGESTOR_TOPICS.output)
    .map((m) => lakeCommitNotificationSchema.parse(JSON.parse(m.value.toString())));
}

describe('IngestorConsumer', () => {
  it('commits a batch’s ticks to Bronze with their offsets and announces the new version', async () => {
    const { lake, producer, consumer } = await wire();
    const batch = fakeRecordBatch(INGESTOR_TOPICS.input, [
      { key: 'SPX', value: GOOD_SPX },
      { key: 'IXIC', value: GOOD_IXIC },
    ]);
    await consumer.handle(batch);
    const rows = lake.rowsOf(BRONZE_TICKS);
    assert.deepEqual(
      rows.map((r) => [r.tick.symbol, r.rawPayload, r.source.kind === 'live' ? r.source.offset : null]),
      [
        ['SPX', GOOD_SPX, 0n],
        ['IXIC', GOOD_IXIC, 1n],
      ],
    );
    const [notification] = notifications(producer);
    assert.equal(notification?.table, BRONZE_TICKS.name);
    assert.equal(notification?.version, '1');
    assert.equal(notification?.recordCount, 2);
    assert.equal(notification?.committedAt, NOW.toISOString());
    // The rows the commit added ride along, as the version's change feed holds them (less its own columns).
    const attached = producer.messages(INGESTOR_TOPICS.output)[0]?.headers?.[LAKE_COMMIT_ROWS_HEADER];
    assert.ok(Buffer.isBuffer(attached));
    const handed = tableFromIPC(attached);
    const feed = await lake.changes(BRONZE_TICKS, 0n, 1n);
    assert.deepEqual(
      handed.schema.fields.map((f) => `${f.name}:${String(f.type)}`),
      feed.schema.fields.filter((f) => !f.name.startsWith('_')).map((f) => `${f.name}:${String(f.type)}`),
    );
    for (const column of ['symbol', 'price', 'event_time', 'kafka_offset', 'raw_payload']) {
      assert.deepEqual(handed.getChild(column)?.toArray(), feed.getChild(column)?.toArray(), column);
    }
  });

  it('announces a commit too large to attach without its rows (the refiner reads the change feed)', async () => {
    const { producer, consumer } = await wire(20_000);
    const tick = (i: number) =>
      `{"symbol":"SPX","price":${4700 + i / 100},"volume":3,"timestamp":1704207600000,"trade_id":"SPX-${i}"}`;
    await consumer.handle(
      fakeRecordBatch(
        INGESTOR_TOPICS.input,
        Array.from({ length: 6_000 }, (_, i) => ({ key: 'SPX', value: tick(i) })),
      ),
    );
    const [message, ...more] = producer.messages(INGESTOR_TOPICS.output);
    assert.equal(more.length, 0);
    assert.equal(notifications(producer)[0]?.recordCount, 6_000);
    assert.equal(message?.headers?.[LAKE_COMMIT_ROWS_HEADER], undefined);
  });

  it('quarantines and dead-letters a record that breaks the contract, with its reason and position', async () => {
    const { lake, deadLetters, consumer } = await wire();
    await consumer.handle(
      fakeRecordBatch(
        INGESTOR_TOPICS.input,
        [
          { key: 'SPX', value: GOOD_SPX },
          { key: 'SPX', value: NOT_A_TICK },
        ],
        { partition: 1, firstOffset: 40 },
      ),
    );
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 1);
    assert.deepEqual(
      lake.rowsOf(BRONZE_QUARANTINE).map((r) => r.reasonCode),
      ['WRONG_TYPE'],
    );
    const [letter] = deadLetters.letters;
    assert.deepEqual(letter?.source, { topic: INGESTOR_TOPICS.input, partition: 1, offset: '41' });
    assert.equal(letter?.reason.code, 'WRONG_TYPE');
  });

  it('reports a partition that ends below its stored position (a recreated topic) instead of skipping it silently', async () => {
    const { lake, metrics, consumer } = await wire();
    const ticks = (n: number) => Array.from({ length: n }, () => ({ key: 'SPX', value: GOOD_SPX }));
    await consumer.handle(fakeRecordBatch(INGESTOR_TOPICS.input, ticks(10)));
    // A redelivery of committed records, the partition still ending at 10: an ordinary replay.
    await consumer.handle(fakeRecordBatch(INGESTOR_TOPICS.input, ticks(3), { highWatermark: 10 }));
    assert.equal((await metrics.behindPosition.get()).values[0]?.value ?? 0, 0);
    // The topic recreated: offsets 0–2 again, and the partition ends at 3, below the stored position 9.
    await consumer.handle(fakeRecordBatch(INGESTOR_TOPICS.input, ticks(3)));
    assert.equal((await metrics.behindPosition.get()).values[0]?.value, 3);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 10, 'still skipped: the positions stay the guarantee');
  });

  it('adds nothing for a batch delivered again after it was committed', async () => {
    const { lake, producer, consumer } = await wire();
    const batch = fakeRecordBatch(INGESTOR_TOPICS.input, [{ key: 'SPX', value: GOOD_SPX }]);
    await consumer.handle(batch);
    await consumer.handle(batch);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 1);
    assert.equal(notifications(producer).length, 1);
  });

  it('commits a batch larger than the commit size in slices, each announced', async () => {
    const { lake, producer, consumer } = await wire(SLICE);
    const records = Array.from({ length: 5 }, () => ({ key: 'SPX', value: GOOD_SPX }));
    await consumer.handle(fakeRecordBatch(INGESTOR_TOPICS.input, records));
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 5);
    assert.deepEqual(
      notifications(producer).map((n) => n.recordCount),
      [2, 2, 1],
    );
  });

  it('fails the batch when the announcement cannot be produced, so the transport retries it', async () => {
    const { producer, consumer } = await wire();
    producer.failNext(new Error('broker gone'));
    await assert.rejects(
      consumer.handle(fakeRecordBatch(INGESTOR_TOPICS.input, [{ key: 'SPX', value: GOOD_SPX }])),
    );
  });

  it('commits the batches of several partitions handed over together in one Bronze commit, a txn per partition', async () => {
    const { lake, producer, consumer } = await wire();
    const versions: bigint[] = [];
    const original = lake.append.bind(lake);
    lake.append = async (...args: Parameters<InMemoryLake['append']>) => {
      const result = await original(...args);
      if (args[0].name === BRONZE_TICKS.name) versions.push(result.version);
      return result;
    };
    await Promise.all(
      [0, 1, 2].map((partition) =>
        consumer.handle(
          fakeRecordBatch(INGESTOR_TOPICS.input, [{ key: 'SPX', value: GOOD_SPX }], {
            partition,
            firstOffset: 10 * partition,
          }),
        ),
      ),
    );
    assert.equal(versions.length, 1, 'one commit for the three partitions');
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 3);
    const stored = await lake.transactionVersions(
      BRONZE_TICKS,
      [0, 1, 2].map((p) => `ingestor:${INGESTOR_TOPICS.input}:${p}`),
    );
    assert.deepEqual([...stored.versions.values()], [0n, 10n, 20n]);
    const [notification, ...more] = notifications(producer);
    assert.equal(more.length, 0);
    assert.equal(notification?.recordCount, 3);
  });

  it('starts a commit no sooner than the commit interval after the last one; batches arriving meanwhile join it', async () => {
    const intervalMs = 200;
    const { lake, consumer } = await wire(1000, intervalMs, new SystemClock());
    const commits: { at: number; rows: number }[] = [];
    const original = lake.append.bind(lake);
    lake.append = async (...args: Parameters<InMemoryLake['append']>) => {
      if (args[0].name === BRONZE_TICKS.name) commits.push({ at: performance.now(), rows: args[1].length });
      return original(...args);
    };
    const batch = (partition: number) =>
      consumer.handle(
        fakeRecordBatch(INGESTOR_TOPICS.input, [{ key: 'SPX', value: GOOD_SPX }], { partition }),
      );
    await batch(0);
    const waiting = [batch(1), new Promise((r) => setTimeout(r, intervalMs / 4)).then(() => batch(2))];
    await Promise.all(waiting);
    assert.deepEqual(
      commits.map((c) => c.rows),
      [1, 2],
      'the first at once, the two later batches together',
    );
    assert.ok(
      commits[1]!.at - commits[0]!.at >= intervalMs - 5,
      `${commits[1]!.at - commits[0]!.at} ms apart`,
    );
  });

  it('fails every batch of a group commit that failed, and commits them on redelivery', async () => {
    const { lake, consumer } = await wire();
    const original = lake.append.bind(lake);
    lake.append = () => Promise.reject(new Error('disk full'));
    const batches = [0, 1].map((partition) =>
      fakeRecordBatch(INGESTOR_TOPICS.input, [{ key: 'SPX', value: GOOD_SPX }], { partition }),
    );
    const outcomes = await Promise.allSettled(batches.map((b) => consumer.handle(b)));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 0);
    lake.append = original;
    await Promise.all(batches.map((b) => consumer.handle(b)));
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 2);
  });

  it('drops what Bronze already holds from every partition of a group, after a restart, with positions read together', async () => {
    const { lake, consumer } = await wire();
    const batchOf = (partition: number) =>
      fakeRecordBatch(
        INGESTOR_TOPICS.input,
        [
          { key: 'SPX', value: GOOD_SPX },
          { key: 'IXIC', value: GOOD_IXIC },
        ],
        { partition, firstOffset: 0 },
      );
    await Promise.all([0, 1].map((p) => consumer.handle(batchOf(p))));
    // A restarted ingestor: nothing cached, both partitions redelivered at once from offset 0.
    const restarted = await wire();
    const service = new IngestorService(
      new BronzeExactlyOnce(lake),
      restarted.producer,
      restarted.deadLetters,
      new BronzeMetrics(new PipelineMetrics('ingestor')),
      new FixedClock(NOW),
      { maxRecordsPerCommit: 1000 },
    );
    const again = new IngestorConsumer(service, new FixedClock(NOW), {});
    await Promise.all([0, 1].map((p) => again.handle(batchOf(p))));
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 4, 'the redelivered batches add nothing');
    assert.equal(notifications(restarted.producer).length, 0, 'no commit, so no notification');
  });
});
