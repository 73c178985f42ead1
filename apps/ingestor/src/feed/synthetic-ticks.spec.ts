import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_SYNTHETIC_FEED,
  type SyntheticFeedOptions,
  type SyntheticTick,
  syntheticTicks,
} from './synthetic-ticks';

/** A small seeded PRNG for the test (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPTIONS: SyntheticFeedOptions = {
  ...DEFAULT_SYNTHETIC_FEED,
  symbols: ['AAA', 'BBB', 'CCC'],
  ratePerSec: 1000,
  startMs: Date.parse('2026-01-05T14:30:00Z'),
};
const SEED = 42;

function take(n: number, seed = SEED, options = OPTIONS): SyntheticTick[] {
  const out: SyntheticTick[] = [];
  for (const tick of syntheticTicks(options, seeded(seed))) {
    out.push(tick);
    if (out.length === n) break;
  }
  return out;
}

describe('syntheticTicks', () => {
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
    assert.throws(() => syntheticTicks({ ...OPTIONS, symbols: [] }, seeded(1)).next(), RangeError);
    assert.throws(() => syntheticTicks({ ...OPTIONS, ratePerSec: 0 }, seeded(1)).next(), RangeError);
  });
});
