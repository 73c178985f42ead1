import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMulberry32 as seeded } from '@lakehouse/domain';
import {
  DEFAULT_SYNTHETIC_FEED,
  type SyntheticFeedOptions,
  type SyntheticTick,
  SyntheticTickSource,
} from './synthetic-ticks';

const OPTIONS: SyntheticFeedOptions = {
  ...DEFAULT_SYNTHETIC_FEED,
  symbols: ['AAA', 'BBB', 'CCC'],
  ratePerSec: 1000,
  startMs: Date.parse('2026-01-05T14:30:00Z'),
};
const SEED = 42;

function take(n: number, seed = SEED, options = OPTIONS): SyntheticTick[] {
  const source = new SyntheticTickSource(options, seeded(seed));
  return Array.from({ length: n }, () => source.next());
}

describe('SyntheticTickSource', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    assert.deepEqual(take(500), take(500));
    assert.notDeepEqual(take(500), take(500, SEED + 1));
  });

  it('cycles through the symbols at the requested event rate', () => {
    const ticks = take(6);
    assert.deepEqual(
      ticks.map((t) => t.symbol),
      ['AAA', 'BBB', 'CCC', 'AAA', 'BBB', 'CCC'],
    );
    assert.equal(Date.parse(ticks[5]!.timestamp) - Date.parse(ticks[0]!.timestamp), 5);
  });

  it('keeps prices positive and volumes positive integers over a long path', () => {
    for (const t of take(30_000)) {
      assert.ok(t.price > 0 && Number.isFinite(t.price));
      assert.ok(Number.isInteger(t.volume) && t.volume >= 1);
    }
  });

  it('produces jumps: with a high jump rate, large moves are far more frequent than without', () => {
    const bigMoves = (jumpsPerYear: number): number => {
      const ticks = take(30_000, SEED, { ...OPTIONS, symbols: ['AAA'], jumpsPerYear, jumpStd: 0.05 });
      let count = 0;
      for (let i = 1; i < ticks.length; i++) {
        if (Math.abs(Math.log(ticks[i]!.price / ticks[i - 1]!.price)) > 0.02) count++;
      }
      return count;
    };
    // Annual rates are tiny at a 1 ms tick spacing: ~1% of ticks jump at this rate.
    const JUMPY = 300_000_000;
    assert.equal(bigMoves(0), 0);
    assert.ok(bigMoves(JUMPY) > 10);
  });

  it('refuses an empty symbol list or a non-positive rate', () => {
    assert.throws(() => new SyntheticTickSource({ ...OPTIONS, symbols: [] }, seeded(1)), RangeError);
    assert.throws(() => new SyntheticTickSource({ ...OPTIONS, ratePerSec: 0 }, seeded(1)), RangeError);
  });
});
