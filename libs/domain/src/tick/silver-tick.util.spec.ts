import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import golden from '../event-id/event-id.golden.json';
import { TICK_SCHEMA_VERSION } from './tick-contract.schema';
import { toSilverTick } from './silver-tick.util';

describe('toSilverTick', () => {
  it('carries the golden event id of the tick and drops the Bronze-only fields', () => {
    const vector = golden.vectors.find((v) => v.name === 'the same tick with a trade id');
    assert.ok(vector);
    const silver = toSilverTick({
      schemaVersion: TICK_SCHEMA_VERSION,
      symbol: vector.input.symbol,
      eventTimeUs: BigInt(vector.input.eventTimeUs),
      price: vector.input.price,
      volume: vector.input.volume,
      tradeId: vector.input.tradeId,
      bid: 1,
      exchange: 'XNAS',
    });
    assert.deepEqual(silver, {
      eventId: vector.eventId,
      symbol: vector.input.symbol,
      eventTimeUs: BigInt(vector.input.eventTimeUs),
      price: vector.input.price,
      volume: vector.input.volume,
    });
  });
});
