import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeJson,
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  TOPICS,
} from '@lakehouse/bus';
import { RefinerConsumer } from './refiner.consumer';
import { RefinerService } from './refiner.service';

function notification(batchId: string, records: { symbol: string; payload: string }[]) {
  return encodeJson({
    schemaVersion: 1,
    table: 'bronze.ticks',
    version: null,
    batchId,
    recordCount: records.length,
    committedAt: '2024-01-02T15:00:00.000Z',
    skeletonInlineRecords: records,
  });
}

describe('RefinerConsumer', () => {
  it('publishes every inline tick to ticks.refined keyed by symbol, in commit order', async () => {
    const producer = new InMemoryMessageProducer();
    const consumer = new RefinerConsumer(new RefinerService(producer), new InMemoryDeadLetter());
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [
        {
          key: 'bronze.ticks',
          value: notification('a', [
            { symbol: 'SPX', payload: '{"n":1}' },
            { symbol: 'DJI', payload: '{"n":2}' },
          ]),
        },
        { key: 'bronze.ticks', value: notification('b', [{ symbol: 'SPX', payload: '{"n":3}' }]) },
      ]),
    );
    assert.deepEqual(
      producer.messages(TOPICS.ticksRefined).map((m) => `${String(m.key)} ${m.value.toString()}`),
      ['SPX {"n":1}', 'DJI {"n":2}', 'SPX {"n":3}'],
    );
  });

  it('dead-letters a notification that breaks the contract with BUS_DECODE_FAILED and keeps going', async () => {
    const producer = new InMemoryMessageProducer();
    const deadLetters = new InMemoryDeadLetter();
    const consumer = new RefinerConsumer(new RefinerService(producer), deadLetters);
    await consumer.handle(
      fakeRecordBatch(TOPICS.lakeCommits, [
        { key: 'bronze.ticks', value: '{"schemaVersion":99}' },
        { key: 'bronze.ticks', value: notification('c', [{ symbol: 'RUT', payload: '{}' }]) },
      ]),
    );
    assert.deepEqual(
      deadLetters.letters.map((l) => [l.source.offset, l.reason.code]),
      [['0', 'BUS_DECODE_FAILED']],
    );
    assert.equal(producer.messages(TOPICS.ticksRefined).length, 1);
  });
});
