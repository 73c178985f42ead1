import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SilverTick } from '../tick/silver-tick.schema';
import { DEFAULT_FEATURE_CONFIG } from './feature.config';
import { initialFeatureState } from './feature-state.schema';
import { stepFeatureBatch } from './feature-step.util';
import { stepFeaturesBySymbol } from './feature-by-symbol.util';

const tick = (symbol: string, seconds: number, price: number): SilverTick => ({
  eventId: `${symbol}${seconds}`,
  symbol,
  eventTimeUs: BigInt(seconds) * 1_000_000n,
  price,
  volume: 1,
});

describe('stepFeaturesBySymbol', () => {
  it('keeps one state per symbol, as if each symbol were stepped alone', () => {
    const a = [tick('A', 1, 10), tick('A', 2, 11), tick('A', 3, 12)];
    const b = [tick('B', 1, 50), tick('B', 5, 40)];
    const interleaved = [a[0], b[0], a[1], b[1], a[2]] as SilverTick[];
    const { states, results } = stepFeaturesBySymbol(new Map(), interleaved, DEFAULT_FEATURE_CONFIG);
    const aloneA = stepFeatureBatch(initialFeatureState(), a, DEFAULT_FEATURE_CONFIG);
    const aloneB = stepFeatureBatch(initialFeatureState(), b, DEFAULT_FEATURE_CONFIG);
    assert.deepEqual(states.get('A'), aloneA.state);
    assert.deepEqual(states.get('B'), aloneB.state);
    assert.deepEqual(
      results.map((r) => (r.kind === 'applied' ? r.row.eventId : r.kind)),
      interleaved.map((t) => t.eventId),
    );
  });

  it('does not modify the map it was given', () => {
    const before = new Map([['A', initialFeatureState()]]);
    stepFeaturesBySymbol(before, [tick('A', 1, 10)], DEFAULT_FEATURE_CONFIG);
    assert.deepEqual(before.get('A'), initialFeatureState());
  });
});
