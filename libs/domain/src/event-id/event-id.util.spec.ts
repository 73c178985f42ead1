import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalDecimal } from './canonical-decimal.util';
import { EventIdInput, computeEventId, encodeEventIdPreimage } from './event-id.util';
import golden from './event-id.golden.json';

interface GoldenInput {
  symbol: string;
  eventTimeUs: string;
  price: number;
  volume: number;
  tradeId?: string;
}

const toInput = (g: GoldenInput): EventIdInput => ({ ...g, eventTimeUs: BigInt(g.eventTimeUs) });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What the old pipeline did: concatenate the fields with no separators. */
function naiveEventId(input: EventIdInput): string {
  const text = `${input.symbol}${input.eventTimeUs}${input.price}${input.volume}${input.tradeId ?? ''}`;
  return createHash('sha256').update(text).digest('hex');
}

/** Reads a v1 preimage back into its fields: if this always succeeds, no two inputs can share a preimage. */
function decodePreimage(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fields: string[] = [];
  let at = 0;
  const readField = (): string => {
    const length = view.getUint32(at, false);
    const text = decoder.decode(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
    return text;
  };
  const FIXED_FIELDS = 5;
  for (let i = 0; i < FIXED_FIELDS; i += 1) fields.push(readField());
  const marker = bytes[at];
  at += 1;
  if (marker === 1) fields.push(readField());
  assert.equal(at, bytes.byteLength, 'trailing bytes after the last field');
  return fields;
}

describe('computeEventId', () => {
  for (const vector of golden.vectors) {
    it(`matches the golden vector for ${vector.name}`, () => {
      const input = toInput(vector.input);
      assert.equal(hex(encodeEventIdPreimage(input)), vector.preimageHex);
      assert.equal(computeEventId(input), vector.eventId);
    });
  }

  it('gives different ids where the naive concatenation collides', () => {
    const a: EventIdInput = { symbol: 'A1', eventTimeUs: 23n, price: 1, volume: 1 };
    const b: EventIdInput = { symbol: 'A', eventTimeUs: 123n, price: 1, volume: 1 };
    assert.equal(naiveEventId(a), naiveEventId(b));
    assert.notEqual(computeEventId(a), computeEventId(b));
  });

  it('tells an absent trade id from an empty one, which the naive concatenation cannot', () => {
    const absent: EventIdInput = { symbol: 'AAPL', eventTimeUs: 1n, price: 2, volume: 3 };
    const empty: EventIdInput = { ...absent, tradeId: '' };
    assert.equal(naiveEventId(absent), naiveEventId(empty));
    assert.notEqual(computeEventId(absent), computeEventId(empty));
  });

  it('gives the same id to prices that are the same double however they were written', () => {
    const base = { symbol: 'X', eventTimeUs: 5n, volume: 1 };
    assert.equal(computeEventId({ ...base, price: 2.5 }), computeEventId({ ...base, price: Number('2.50') }));
    assert.equal(computeEventId({ ...base, price: 0 }), computeEventId({ ...base, price: -0 }));
  });

  it('refuses a lone surrogate rather than letting it collide with U+FFFD', () => {
    const input: EventIdInput = { symbol: 'A\uD800', eventTimeUs: 1n, price: 1, volume: 1 };
    assert.throws(() => computeEventId(input), RangeError);
  });

  it('encodes every input so that its fields can be read back exactly', () => {
    const inputs = fc.record(
      {
        symbol: fc.string({ unit: 'grapheme' }),
        eventTimeUs: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        price: fc.double({ noNaN: true, noDefaultInfinity: true }),
        volume: fc.double({ noNaN: true, noDefaultInfinity: true }),
        tradeId: fc.string({ unit: 'grapheme' }),
      },
      { requiredKeys: ['symbol', 'eventTimeUs', 'price', 'volume'] },
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const expected = [
          'lakehouse/event-id/v1',
          input.symbol,
          input.eventTimeUs.toString(),
          canonicalDecimal(input.price),
          canonicalDecimal(input.volume),
          ...(input.tradeId === undefined ? [] : [input.tradeId]),
        ];
        assert.deepEqual(decodePreimage(encodeEventIdPreimage(input)), expected);
        assert.match(computeEventId(input), SHA256_HEX);
      }),
    );
  });
});
