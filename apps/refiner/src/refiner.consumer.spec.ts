import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeJson,
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  TOPICS,
} from '@lakehouse/bus';
import { parseRawTick } from '@lakehouse/domain';
import { BRONZE_TICKS, type BronzeTickRow, InMemoryLake } from '@lakehouse/lake';
import { RefinerConsumer } from './refiner.consumer';
import { RefinerService } from './refiner.service';

const INGEST_US = 1_704_207_600_000_000n;

function bronzeRow(symbol: string, n: number, offset: number): BronzeTickRow {
  const payload = JSON.stringify({ symbol, price: 100 + n, volume: n, timestamp: 1_704_207_600_000 + n });
  const parsed = parseRawTick(Buffer.from(payload));
  assert.ok(parsed.ok);
  return {
    tick: parsed.tick,
    rawPayload: payload,
    ingestTimeUs: INGEST_US,
    source: { kind: 'live', topic: 'ticks.raw', partition: 0, offset: BigInt(offset) },
  };
}

function notification(version: bigint | null) {
  return encodeJson({
    schemaVersion: 1,
    table: 'bronze.ticks',
    version: version === null ? null : String(version),
    batchId: `v${version}`,
    recordCount: 1,
    committedAt: '2024-01-02T15:00:00.000Z',
  });
}

async function wire() {
  const lake = new InMemoryLake();
  await lake.ensureTable(BRONZE_TICKS);
  const producer = new InMemoryMessageProducer();
  const deadLetters = new InMemoryDeadLetter();
  const consumer = new RefinerConsumer(new RefinerService(producer, lake), deadLetters);
  return { lake, producer, deadLetters, consumer };
}

const published = (producer: InMemoryMessageProducer): string[] =>
  producer
    .messages(TOPICS.ticksRefined)
    .map((m) => `${String(m.key)} ${(JSON.parse(m.value.toString()) as { volume: number }).volume}`);

describe('RefinerConsumer', () => {
  it('publishes the rows of every Bronze version announced, keyed by symbol, in commit order', async () => {
    const { lake, producer, consumer } = await wire();
    const v1 = await lake.append(BRONZE_TICKS, [bronzeRow('SPX', 1, 0), bronzeRow('DJI', 2, 1)], []);
    const v2 = await lake.append(BRONZE_TICKS, [bronzeRow('SPX', 3, 2)], []);
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [
        { key: 'bronze.ticks', value: notification(v1.version) },
        { key: 'bronze.ticks', value: notification(v2.version) },
      ]),
    );
    assert.deepEqual(published(producer), ['SPX 1', 'DJI 2', 'SPX 3']);
  });

  it('reads versions it was not told about, and never publishes a version twice', async () => {
    const { lake, producer, consumer } = await wire();
    await lake.append(BRONZE_TICKS, [bronzeRow('SPX', 1, 0)], []);
    const v2 = await lake.append(BRONZE_TICKS, [bronzeRow('SPX', 2, 1)], []);
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [{ key: 'bronze.ticks', value: notification(v2.version) }]),
    );
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [{ key: 'bronze.ticks', value: notification(v2.version) }]),
    );
    assert.deepEqual(published(producer), ['SPX 1', 'SPX 2']);
  });

  it('dead-letters a notification that breaks the contract with BUS_DECODE_FAILED and keeps going', async () => {
    const { lake, producer, deadLetters, consumer } = await wire();
    const v1 = await lake.append(BRONZE_TICKS, [bronzeRow('RUT', 1, 0)], []);
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [
        { key: 'bronze.ticks', value: '{"schemaVersion":99}' },
        { key: 'bronze.ticks', value: notification(v1.version) },
      ]),
    );
    assert.deepEqual(
      deadLetters.letters.map((l) => [l.source.offset, l.reason.code]),
      [['0', 'BUS_DECODE_FAILED']],
    );
    assert.equal(producer.messages(TOPICS.ticksRefined).length, 1);
  });
});
