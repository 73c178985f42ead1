import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeJson, fakeRecordBatch, InMemoryDeadLetter, TOPICS } from '@lakehouse/bus';
import { RefinerConsumer } from './refiner.consumer';
import { kit, series } from './silver/refiner-test-kit';

function notification(table: string, version: bigint) {
  return encodeJson({
    schemaVersion: 1,
    table,
    version: String(version),
    batchId: `v${version}`,
    recordCount: 1,
    committedAt: '2024-01-02T15:00:00.000Z',
  });
}

describe('RefinerConsumer', () => {
  it('wakes the refiner on a bronze.ticks commit, which refines every Bronze version since Silver’s position', async () => {
    const k = await kit();
    await k.bronze(series('SPX', 2));
    const v2 = await k.bronze(series('SPX', 3).slice(2));
    const refiner = k.refiner();
    const consumer = new RefinerConsumer(refiner, new InMemoryDeadLetter());
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [{ key: 'bronze.ticks', value: notification('bronze.ticks', v2) }]),
    );
    await refiner.idle();
    assert.equal(k.silverRows().length, 3);
    assert.equal(k.refined().length, 3);
  });

  it('ignores commits of other tables', async () => {
    const k = await kit();
    await k.bronze(series('SPX', 2));
    const refiner = k.refiner();
    const consumer = new RefinerConsumer(refiner, new InMemoryDeadLetter());
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [{ key: 'gold.x', value: notification('gold.x', 1n) }]),
    );
    await refiner.idle();
    assert.equal(k.silverRows().length, 0);
  });

  it('dead-letters a notification that breaks the contract with BUS_DECODE_FAILED and keeps going', async () => {
    const k = await kit();
    const v1 = await k.bronze(series('RUT', 1));
    const deadLetters = new InMemoryDeadLetter();
    const refiner = k.refiner();
    const consumer = new RefinerConsumer(refiner, deadLetters);
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [
        { key: 'bronze.ticks', value: '{"schemaVersion":99}' },
        { key: 'bronze.ticks', value: notification('bronze.ticks', v1) },
      ]),
    );
    await refiner.idle();
    assert.deepEqual(
      deadLetters.letters.map((l) => [l.source.offset, l.reason.code]),
      [['0', 'BUS_DECODE_FAILED']],
    );
    assert.equal(k.refined().length, 1);
  });
});
