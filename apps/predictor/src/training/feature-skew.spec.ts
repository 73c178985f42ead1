import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FeatureConfig, type SilverTick, initialFeatureState, stepFeatures } from '@lakehouse/domain';
import { type StoredTick, featureSkew } from './feature-skew';

const CONFIG: FeatureConfig = {
  version: 'f1',
  returnLags: 1,
  returnWindows: [2],
  volumeWindow: 2,
  sequenceLength: 2,
  allowedLatenessUs: 0n,
};
const SECOND_US = 1_000_000n;
const TICKS: SilverTick[] = Array.from({ length: 12 }, (_, i) => ({
  eventId: `e${i}`,
  symbol: 'X',
  eventTimeUs: BigInt(i) * SECOND_US,
  price: 100 + Math.sin(i),
  volume: 10 + i,
}));

/** What the refiner stores: every tick with the vector stepFeatures gave it. */
function stored(): StoredTick[] {
  let state = initialFeatureState();
  return TICKS.map((tick) => {
    const step = stepFeatures(state, tick, CONFIG);
    state = step.state;
    return {
      tick,
      featureVersion: CONFIG.version,
      features: step.kind === 'applied' ? step.row.values : null,
    };
  });
}

describe('featureSkew', () => {
  it('finds no skew when the stored vectors are the recomputed ones, and compares only complete vectors', () => {
    const skew = featureSkew(stored(), CONFIG);
    assert.equal(skew.mismatched, 0);
    assert.ok(skew.compared > 0 && skew.compared < TICKS.length, `compared ${skew.compared}`);
  });

  it('counts a stored vector that differs in one component, naming the first', () => {
    const rows = stored();
    const at = rows.length - 1;
    const last = rows[at]!;
    rows[at] = { ...last, features: last.features!.map((v, i) => (i === 0 ? (v as number) * 2 : v)) };
    const skew = featureSkew(rows, CONFIG);
    assert.equal(skew.mismatched, 1);
    assert.deepEqual([skew.first?.eventId, skew.first?.feature], [`e${at}`, 0]);
  });

  it('compares a history recomputed from the middle: complete vectors do not depend on older ticks', () => {
    const fromMiddle = stored().slice(4);
    assert.equal(featureSkew(fromMiddle, CONFIG).mismatched, 0);
  });

  it('skips rows stored under another feature version', () => {
    const rows = stored().map((r) => ({
      ...r,
      featureVersion: 'f0',
      features: r.features?.map(() => 0) ?? null,
    }));
    assert.deepEqual(featureSkew(rows, CONFIG), { compared: 0, mismatched: 0 });
  });
});
