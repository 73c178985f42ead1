import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  NO_MODEL,
  signalSchema,
  TOPICS,
} from '@lakehouse/bus';
import { FixedClock } from '@lakehouse/platform';
import { PredictorConsumer } from './predictor.consumer';
import { PredictorService } from './predictor.service';

const NOW = new Date('2024-01-02T15:00:00.000Z');
const EPOCH_MS = 1704207600000;
const MICROS_PER_MS = 1000n;

describe('PredictorConsumer', () => {
  it('turns each refined tick into a pass-through signal keyed by symbol, in one produce', async () => {
    const producer = new InMemoryMessageProducer();
    const consumer = new PredictorConsumer(
      new PredictorService(producer, new FixedClock(NOW)),
      new InMemoryDeadLetter(),
      {},
    );
    await consumer.handle(
      fakeRecordBatch(TOPICS.ticksRefined, [
        {
          key: 'SPX',
          value: `{"symbol":"SPX","price":1.5,"volume":1,"timestamp":${EPOCH_MS},"trade_id":"t1"}`,
        },
        { key: 'DJI', value: `{"symbol":"DJI","price":2,"volume":1,"timestamp":${EPOCH_MS + 1}}` },
      ]),
    );
    assert.equal(producer.requests, 1);
    const sent = producer.messages(TOPICS.signalsPredictions);
    const signals = sent.map((m) => signalSchema.parse(JSON.parse(m.value.toString())));
    assert.deepEqual(
      sent.map((m) => m.key),
      ['SPX', 'DJI'],
    );
    assert.deepEqual(signals[0], {
      schemaVersion: 1,
      symbol: 'SPX',
      tradeId: 't1',
      eventTimeUs: (BigInt(EPOCH_MS) * MICROS_PER_MS).toString(),
      price: 1.5,
      modelVersion: NO_MODEL,
      prediction: null,
      producedAt: NOW.toISOString(),
    });
  });

  it('dead-letters a record that is not a tick', async () => {
    const deadLetters = new InMemoryDeadLetter();
    const consumer = new PredictorConsumer(
      new PredictorService(new InMemoryMessageProducer(), new FixedClock(NOW)),
      deadLetters,
      {},
    );
    await consumer.handle(fakeRecordBatch(TOPICS.ticksRefined, [{ key: 'SPX', value: 'not json' }]));
    assert.equal(deadLetters.letters.length, 1);
  });
});
