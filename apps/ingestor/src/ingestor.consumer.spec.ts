import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  lakeCommitNotificationSchema,
  TOPICS,
} from '@lakehouse/bus';
import { FixedClock } from '@lakehouse/platform';
import { IngestorConsumer } from './ingestor.consumer';
import { BRONZE_TICKS_TABLE, IngestorService } from './ingestor.service';

const NOW = new Date('2024-01-02T15:00:00.000Z');
const GOOD_SPX = '{"symbol":"SPX","price":4700.5,"volume":3,"timestamp":1704207600000,"trade_id":"SPX-1"}';
const GOOD_IXIC = '{"symbol":"IXIC","price":14800,"volume":1,"timestamp":1704207600001}';
const NOT_A_TICK = '{"symbol":"SPX","price":"cheap"}';

function wire() {
  const producer = new InMemoryMessageProducer();
  const deadLetters = new InMemoryDeadLetter();
  const consumer = new IngestorConsumer(new IngestorService(producer, new FixedClock(NOW)), deadLetters, {});
  return { producer, deadLetters, consumer };
}

describe('IngestorConsumer', () => {
  it('notifies lake.commits once per batch with the accepted ticks in offset order', async () => {
    const { producer, consumer } = wire();
    const batch = fakeRecordBatch(TOPICS.ticksRaw, [
      { key: 'SPX', value: GOOD_SPX },
      { key: 'IXIC', value: GOOD_IXIC },
    ]);
    await consumer.handle(batch);
    const sent = producer.messages(TOPICS.lakeCommits);
    assert.equal(sent.length, 1);
    const notification = lakeCommitNotificationSchema.parse(JSON.parse(sent[0]?.value.toString() ?? ''));
    assert.equal(sent[0]?.key, BRONZE_TICKS_TABLE);
    assert.equal(notification.table, BRONZE_TICKS_TABLE);
    assert.equal(notification.batchId, batch.batchId);
    assert.equal(notification.committedAt, NOW.toISOString());
    assert.deepEqual(notification.skeletonInlineRecords, [
      { symbol: 'SPX', payload: GOOD_SPX },
      { symbol: 'IXIC', payload: GOOD_IXIC },
    ]);
  });

  it('sends a tick that breaks the contract to the dead-letter port with its reason and position', async () => {
    const { producer, deadLetters, consumer } = wire();
    await consumer.handle(
      fakeRecordBatch(
        TOPICS.ticksRaw,
        [
          { key: 'SPX', value: GOOD_SPX },
          { key: 'SPX', value: NOT_A_TICK },
        ],
        { partition: 1, firstOffset: 40 },
      ),
    );
    assert.equal(deadLetters.letters.length, 1);
    const [letter] = deadLetters.letters;
    assert.deepEqual(letter?.source, { topic: TOPICS.ticksRaw, partition: 1, offset: '41' });
    assert.match(letter?.reason.code ?? '', /^[A-Z_]+$/);
    const notification = lakeCommitNotificationSchema.parse(
      JSON.parse(producer.messages(TOPICS.lakeCommits)[0]?.value.toString() ?? ''),
    );
    assert.equal(notification.recordCount, 1);
  });

  it('notifies nothing for a batch in which no tick was accepted', async () => {
    const { producer, consumer } = wire();
    await consumer.handle(fakeRecordBatch(TOPICS.ticksRaw, [{ key: null, value: null }]));
    assert.deepEqual(producer.messages(TOPICS.lakeCommits), []);
  });

  it('fails the batch when the notification cannot be produced, so the transport retries it', async () => {
    const { producer, consumer } = wire();
    producer.failNext(new Error('broker gone'));
    await assert.rejects(
      consumer.handle(fakeRecordBatch(TOPICS.ticksRaw, [{ key: 'SPX', value: GOOD_SPX }])),
    );
  });
});
