import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeJson, fakeRecordBatch, InMemoryDeadLetter, NO_MODEL, Signal, TOPICS } from '@lakehouse/bus';
import { BadRequestException } from '@nestjs/common';
import { PublisherConsumer } from './publisher.consumer';
import { PublisherService } from './publisher.service';
import { SignalsController } from './signals.controller';

const RING_SIZE = 2;

function signal(symbol: string, tradeId: string): Signal {
  return {
    schemaVersion: 1,
    symbol,
    tradeId,
    eventTimeUs: '1',
    price: 1,
    modelVersion: NO_MODEL,
    prediction: null,
    producedAt: '2024-01-02T15:00:00.000Z',
  };
}

describe('the publisher', () => {
  it('serves the most recent signals of a symbol, oldest first', async () => {
    const service = new PublisherService(RING_SIZE);
    const consumer = new PublisherConsumer(service, new InMemoryDeadLetter());
    await consumer.handle(
      fakeRecordBatch(
        TOPICS.signalsPredictions,
        ['a', 'b', 'c'].map((t) => ({ key: 'SPX', value: encodeJson(signal('SPX', t)) })),
      ),
    );
    const response = new SignalsController(service).recent({ symbol: 'SPX' });
    assert.deepEqual(
      response.signals.map((s) => s.tradeId),
      ['b', 'c'],
    );
  });

  for (const query of [{}, { symbol: '' }, { symbol: 'DROP TABLE' }, { symbol: ['SPX', 'DJI'] }]) {
    it(`answers 400 PUBLISHER_BAD_QUERY to ${JSON.stringify(query)}`, () => {
      const controller = new SignalsController(new PublisherService(RING_SIZE));
      assert.throws(
        () => controller.recent(query),
        (error: unknown) =>
          error instanceof BadRequestException &&
          (error.getResponse() as { code?: string }).code === 'PUBLISHER_BAD_QUERY',
      );
    });
  }
});
