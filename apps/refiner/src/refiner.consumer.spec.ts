import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeJson,
  fakeRecordBatch,
  InMemoryDeadLetter,
  LAKE_COMMIT_ROWS_HEADER,
  TOPICS,
} from '@lakehouse/bus';
import { BRONZE_TICKS, type InMemoryLake } from '@lakehouse/lake';
import { tableToIPC } from 'apache-arrow';
import { RefinerConsumer } from './refiner.consumer';
import { kit, series } from './silver/refiner-test-kit';

function notification(table: string, version: bigint, recordCount = 1) {
  return encodeJson({
    schemaVersion: 1,
    table,
    version: String(version),
    batchId: `v${version}`,
    recordCount,
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

  it('hands the rows attached to a Bronze notification over; a bad attachment is left out and the log read', async () => {
    const k = await kit();
    const refiner = k.refiner();
    await refiner.catchUp();
    const bronzeReads: string[] = [];
    const changes = k.lake.changes.bind(k.lake);
    k.lake.changes = (...args: Parameters<InMemoryLake['changes']>) => {
      if (args[0].name === BRONZE_TICKS.name) bronzeReads.push(`(${args[1]}, ${args[2]}]`);
      return changes(...args);
    };
    const consumer = new RefinerConsumer(refiner, new InMemoryDeadLetter());
    const attached = (version: bigint, rows: Buffer, recordCount: number) =>
      consumer.handle(
        fakeRecordBatch(TOPICS.lakeCommits, [
          {
            key: 'bronze.ticks',
            value: notification('bronze.ticks', version, recordCount),
            headers: { [LAKE_COMMIT_ROWS_HEADER]: rows },
          },
        ]),
      );

    const v1 = await k.bronze(series('SPX', 2));
    await attached(v1, Buffer.from(tableToIPC(k.bronzeRowsOf(v1), 'stream')), 2);
    await refiner.idle();
    assert.deepEqual(bronzeReads, [], 'the attached rows were refined, not read back');
    assert.equal(k.refined().length, 2);

    const v2 = await k.bronze(series('SPX', 3).slice(2));
    await attached(v2, Buffer.from('not arrow'), 1);
    await refiner.idle();
    const v3 = await k.bronze(series('SPX', 4).slice(3));
    await attached(v3, Buffer.from(tableToIPC(k.bronzeRowsOf(v3), 'stream')), 5);
    await refiner.idle();
    assert.deepEqual(
      bronzeReads,
      [`(${v1}, ${v2}]`, `(${v2}, ${v3}]`],
      'undecodable, then a wrong row count',
    );
    assert.equal(k.refined().length, 4);
    assert.equal(k.silverRows().length, 4);
  });
});
