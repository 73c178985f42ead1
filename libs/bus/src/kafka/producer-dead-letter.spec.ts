import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryMessageProducer } from '../fakes/in-memory-bus';
import { DEAD_LETTER_HEADERS } from '../ports/dead-letter.port';
import { TOPICS } from '../topology';
import { ProducerDeadLetter } from './producer-dead-letter';

describe('ProducerDeadLetter', () => {
  it('writes the original key and bytes to ticks.dlq with the reason and source position as headers', async () => {
    const producer = new InMemoryMessageProducer();
    const original = Buffer.from('{"symbol":');
    await new ProducerDeadLetter(producer).send([
      {
        source: { topic: TOPICS.ticksRaw, partition: 1, offset: '77' },
        key: 'SPX',
        value: original,
        reason: { code: 'BUS_DECODE_FAILED', message: 'not JSON' },
      },
    ]);
    const [letter] = producer.messages(TOPICS.ticksDlq);
    assert.equal(letter?.key, 'SPX');
    assert.ok(letter?.value.equals(original));
    assert.deepEqual(letter?.headers, {
      [DEAD_LETTER_HEADERS.reasonCode]: 'BUS_DECODE_FAILED',
      [DEAD_LETTER_HEADERS.reasonMessage]: 'not JSON',
      [DEAD_LETTER_HEADERS.sourceTopic]: TOPICS.ticksRaw,
      [DEAD_LETTER_HEADERS.sourcePartition]: '1',
      [DEAD_LETTER_HEADERS.sourceOffset]: '77',
    });
  });
});
