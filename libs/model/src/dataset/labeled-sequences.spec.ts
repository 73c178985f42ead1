import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FeatureConfig,
  FeatureState,
  LabelDefinition,
  initialFeatureState,
  labelSeries,
  modelSequence,
  stepFeatures,
} from '@lakehouse/domain';
import { syntheticSilverTicks } from '../testing/synthetic-silver-ticks';
import { buildLabeledSequences } from './labeled-sequences';

const FEATURES: FeatureConfig = {
  version: 'test-features',
  returnLags: 2,
  returnWindows: [3],
  volumeWindow: 3,
  sequenceLength: 4,
  allowedLatenessUs: 0n,
};
const HORIZON_TICKS = 3;
const LABEL: LabelDefinition = {
  version: 'test-label',
  horizon: { kind: 'ticks', ticks: HORIZON_TICKS },
  threshold: { kind: 'sigma', k: 1, window: 5 },
};
const TICKS = syntheticSilverTicks({ symbol: 'AAA', count: 200, seed: 5, jumpProbability: 0.1 });

describe('buildLabeledSequences', () => {
  const built = buildLabeledSequences(new Map([['AAA', TICKS]]), FEATURES, LABEL);
  const windowSize = built.timesteps * built.features;

  it('yields, for each labeled event, exactly the window the stream computes after that tick', () => {
    const streamWindows = new Map<bigint, number[]>();
    let state: FeatureState = initialFeatureState();
    for (const tick of TICKS) {
      const step = stepFeatures(state, tick, FEATURES);
      state = step.state;
      const window = modelSequence(state, FEATURES);
      if (window !== null) streamWindows.set(tick.eventTimeUs, window.flat());
    }
    assert.ok(built.count > 100);
    for (let i = 0; i < built.count; i += 1) {
      const expected = Float32Array.from(streamWindows.get(built.eventTimeUs[i]!) ?? []);
      assert.deepEqual(built.windows.subarray(i * windowSize, (i + 1) * windowSize), expected);
    }
  });

  it("labels each window with the domain's labelSeries outcome for its event", () => {
    const labelByTime = new Map(labelSeries(TICKS, LABEL).map((o) => [o.eventTimeUs, o.label]));
    for (let i = 0; i < built.count; i += 1)
      assert.equal(built.labels[i], labelByTime.get(built.eventTimeUs[i]!));
    assert.ok(built.labels.includes(1) && built.labels.includes(0));
  });

  it('records when each label became known: the horizon end, HORIZON_TICKS ticks later', () => {
    const SPACING_US = 1_000_000n;
    for (let i = 0; i < built.count; i += 1) {
      assert.equal(built.horizonEndUs[i]! - built.eventTimeUs[i]!, BigInt(HORIZON_TICKS) * SPACING_US);
    }
  });

  it('gives the persistence baseline only labels already realized at the event time', () => {
    const labelByTime = new Map(labelSeries(TICKS, LABEL).map((o) => [o.eventTimeUs, o.label]));
    const SPACING_US = 1_000_000n;
    for (let i = 0; i < built.count; i += 1) {
      // The newest realized outcome at tick t belongs to the event HORIZON_TICKS ticks earlier.
      const known = labelByTime.get(built.eventTimeUs[i]! - BigInt(HORIZON_TICKS) * SPACING_US);
      assert.equal(built.lastKnownLabel[i], known ?? -1);
    }
  });
});
