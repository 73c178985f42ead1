import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { BusError } from './bus-error';
import { decodeJson, encodeJson } from './codec';

const tick = z.object({ symbol: z.string().min(1), price: z.number().positive() });

describe('decodeJson', () => {
  it('round-trips a valid value through encodeJson', () => {
    assert.deepEqual(decodeJson(tick, encodeJson({ symbol: 'SPX', price: 4500.25 })), {
      symbol: 'SPX',
      price: 4500.25,
    });
  });

  for (const [name, bytes, reason] of [
    ['no value', null, /no value/],
    ['bytes that are not JSON', Buffer.from('{oops'), /not JSON/],
    ['JSON that breaks the schema', Buffer.from('{"symbol":"","price":-1}'), /symbol: .*; price: /],
  ] as const) {
    it(`rejects ${name} with BUS_DECODE_FAILED and a reason`, () => {
      assert.throws(
        () => decodeJson(tick, bytes),
        (error: unknown) =>
          error instanceof BusError && error.code === 'BUS_DECODE_FAILED' && reason.test(error.message),
      );
    });
  }
});
