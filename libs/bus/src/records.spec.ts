import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OutboundMessage, requestsOf } from './records';

const message = (key: string, bytes: number): OutboundMessage => ({ key, value: Buffer.alloc(bytes, 1) });

describe('requestsOf', () => {
  it('cuts a produce into requests under the byte cap, keeping every record once and in order', () => {
    const batch = [
      { topic: 'a', messages: [message('k', 39), message('k', 39), message('k', 39)] },
      { topic: 'b', messages: [message('k', 9), message('k', 99)] },
    ];
    const requests = [...requestsOf(batch, 100)];
    assert.deepEqual(
      requests.map((r) => r.map((t) => `${t.topic}:${t.messages.map((m) => m.value.length).join('+')}`)),
      [['a:39+39'], ['a:39', 'b:9'], ['b:99']],
    );
    assert.ok(
      requests.every((r) => r.flatMap((t) => t.messages).reduce((n, m) => n + m.value.length + 1, 0) <= 100),
    );
  });

  it('sends a record above the cap alone and yields nothing for an empty produce', () => {
    assert.deepEqual(
      [
        ...requestsOf([{ topic: 'a', messages: [message('k', 5), message('k', 500), message('k', 5)] }], 100),
      ].map((r) => r[0]!.messages.length),
      [1, 1, 1],
    );
    assert.deepEqual([...requestsOf([{ topic: 'a', messages: [] }], 100)], []);
  });
});
