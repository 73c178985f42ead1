import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SilverTick } from '../tick/silver-tick.schema';
import { FeatureConfig, featureNames, replayTicksRequired } from './feature.config';
import {
  FeatureStateJson,
  featureStateFromJson,
  featureStateToJson,
  initialFeatureState,
} from './feature-state.schema';
import {
  FeatureStepResult,
  modelSequence,
  rebuildFeatureState,
  stepFeatureBatch,
  stepFeatures,
} from './feature-step.util';

const SECOND_US = 1_000_000n;
const SMALL: FeatureConfig = {
  version: 'test-features',
  returnLags: 2,
  returnWindows: [2, 3],
  volumeWindow: 2,
  sequenceLength: 2,
  allowedLatenessUs: 10n * SECOND_US,
};
const tick = (n: number, price: number, volume: number, seconds: number): SilverTick => ({
  eventId: `e${n}`,
  symbol: 'X',
  eventTimeUs: BigInt(seconds) * SECOND_US,
  price,
  volume,
});

function valuesOf(results: readonly FeatureStepResult[]): (readonly (number | null)[] | string)[] {
  return results.map((r) => (r.kind === 'applied' ? r.row.values : r.kind));
}

describe('stepFeatures', () => {
  it('names every component of the vector in a fixed order', () => {
    assert.deepEqual(featureNames(SMALL), [
      'log_return',
      'return_lag_1',
      'return_lag_2',
      'return_mean_2',
      'return_std_2',
      'return_min_2',
      'return_max_2',
      'return_mean_3',
      'return_std_3',
      'return_min_3',
      'return_max_3',
      'volume_z_2',
      'seconds_since_prev',
    ]);
  });

  it('computes returns, lags, rolling statistics, volume z-score and spacing by hand', () => {
    const prices = [100, 110, 99, 99];
    const volumes = [10, 30, 20, 50];
    const seconds = [0, 2, 5, 5];
    const { results } = stepFeatureBatch(
      initialFeatureState(),
      prices.map((p, i) => tick(i, p, volumes[i] ?? 0, seconds[i] ?? 0)),
      SMALL,
    );
    const r1 = Math.log(110 / 100);
    const r2 = Math.log(99 / 110);
    const r3 = 0;
    const std2 = (a: number, b: number): number => Math.abs(a - b) / 2;
    const m3 = (r1 + r2 + r3) / 3;
    const s3 = Math.sqrt(((r1 - m3) ** 2 + (r2 - m3) ** 2 + (r3 - m3) ** 2) / 3);
    const expected = [
      [null, null, null, null, null, null, null, null, null, null, null, null, null],
      [r1, null, null, null, null, null, null, null, null, null, null, null, 2],
      [r2, r1, null, (r1 + r2) / 2, std2(r1, r2), r2, r1, null, null, null, null, (20 - 20) / 10, 3],
      [r3, r2, r1, (r2 + r3) / 2, std2(r2, r3), r2, r3, m3, s3, r2, r1, (50 - 25) / 5, 0],
    ];
    const actual = valuesOf(results);
    const TOLERANCE = 1e-15;
    expected.forEach((row, i) => {
      const got = actual[i] as (number | null)[];
      row.forEach((value, j) => {
        if (value === null) assert.equal(got[j], null, `tick ${i} feature ${j}`);
        else
          assert.ok(
            Math.abs((got[j] as number) - value) <= TOLERANCE,
            `tick ${i} feature ${j}: ${got[j]} ≠ ${value}`,
          );
      });
    });
  });

  it('gives a zero volume z-score when the previous volumes do not vary', () => {
    const { results } = stepFeatureBatch(
      initialFeatureState(),
      [tick(0, 1, 5, 0), tick(1, 1, 5, 1), tick(2, 1, 9, 2)],
      SMALL,
    );
    const last = results.at(-1);
    assert.equal(last?.kind === 'applied' ? last.row.values.at(-2) : undefined, 0);
  });

  it('marks a tick behind the latest event time as late without touching the state', () => {
    const { state } = stepFeatureBatch(initialFeatureState(), [tick(0, 1, 1, 100)], SMALL);
    const result = stepFeatures(state, tick(1, 2, 1, 95), SMALL);
    assert.equal(result.kind, 'late');
    assert.equal(result.state, state);
    assert.equal(result.kind === 'late' ? result.lateByUs : undefined, 5n * SECOND_US);
  });

  it('marks a tick behind the watermark as expired', () => {
    const { state } = stepFeatureBatch(initialFeatureState(), [tick(0, 1, 1, 100)], SMALL);
    const ELEVEN_SECONDS_LATE = 89;
    assert.equal(stepFeatures(state, tick(1, 2, 1, ELEVEN_SECONDS_LATE), SMALL).kind, 'expired');
    assert.equal(stepFeatures(state, tick(2, 2, 1, 90), SMALL).kind, 'late');
  });

  it('applies a tick with the same event time as the latest one', () => {
    const { state } = stepFeatureBatch(initialFeatureState(), [tick(0, 1, 1, 100)], SMALL);
    assert.equal(stepFeatures(state, tick(1, 2, 1, 100), SMALL).kind, 'applied');
  });

  it('offers a model sequence only once the last L vectors are complete', () => {
    const WARM_UP = 4;
    const ticks = Array.from({ length: WARM_UP + SMALL.sequenceLength }, (_, i) =>
      tick(i, 100 + i, 10 + (i % 3), i),
    );
    let state = initialFeatureState();
    const ready: boolean[] = [];
    for (const t of ticks) {
      state = stepFeatures(state, t, SMALL).state;
      ready.push(modelSequence(state, SMALL) !== null);
    }
    assert.deepEqual(ready, [false, false, false, false, true, true]);
    assert.equal(modelSequence(state, SMALL)?.length, SMALL.sequenceLength);
  });
});

describe('feature batching invariance', () => {
  const configs = fc.record({
    version: fc.constant('prop'),
    returnLags: fc.integer({ min: 0, max: 4 }),
    returnWindows: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    volumeWindow: fc.integer({ min: 1, max: 5 }),
    sequenceLength: fc.integer({ min: 1, max: 4 }),
    allowedLatenessUs: fc.constantFrom(0n, 3n * SECOND_US),
  });
  // Mostly forward in time, sometimes equal, sometimes back (late or expired ticks).
  const tickSeries = fc
    .array(
      fc.record({
        dt: fc.integer({ min: -5, max: 5 }),
        price: fc.double({ min: 0.01, max: 1000, noNaN: true }),
        volume: fc.integer({ min: 0, max: 1000 }),
      }),
      { maxLength: 80 },
    )
    .map((steps) => {
      let seconds = 1_000;
      return steps.map((s, i) => {
        seconds += s.dt;
        return tick(i, s.price, s.volume, seconds);
      });
    });
  const splitPoints = fc.array(fc.nat(), { maxLength: 10 });

  it('gives every tick the same features in one batch, in many batches with JSON checkpoints, and after a restart', () => {
    fc.assert(
      fc.property(configs, tickSeries, splitPoints, fc.nat(), (config, ticks, splits, restartSeed) => {
        const whole = stepFeatureBatch(initialFeatureState(), ticks, config);

        // Many batches, the state checkpointed through JSON between them.
        const cuts = [...new Set(splits.map((s) => s % (ticks.length + 1)))].sort((a, b) => a - b);
        let state = initialFeatureState();
        const batched: FeatureStepResult[] = [];
        let from = 0;
        for (const cut of [...cuts, ticks.length]) {
          const step = stepFeatureBatch(state, ticks.slice(from, cut), config);
          batched.push(...step.results);
          state = featureStateFromJson(
            JSON.parse(JSON.stringify(featureStateToJson(step.state))) as FeatureStateJson,
            config,
          );
          from = cut;
        }
        assert.deepEqual(valuesOf(batched), valuesOf(whole.results));
        assert.deepEqual(state, whole.state);

        // A restart at a random tick: rebuild from the trailing applied ticks, then carry on.
        const restartAt = restartSeed % (ticks.length + 1);
        const applied = ticks.slice(0, restartAt).filter((_, i) => whole.results[i]?.kind === 'applied');
        const rebuilt = rebuildFeatureState(applied, config);
        const resumed = stepFeatureBatch(rebuilt, ticks.slice(restartAt), config);
        assert.deepEqual(valuesOf(resumed.results), valuesOf(whole.results.slice(restartAt)));
        assert.deepEqual(resumed.state, whole.state);
      }),
    );
  });

  it('needs every one of the replayed ticks: one fewer changes the rebuilt state', () => {
    const config: FeatureConfig = { ...SMALL, returnWindows: [3], volumeWindow: 2, sequenceLength: 2 };
    const needed = replayTicksRequired(config);
    const ticks = Array.from({ length: needed + 5 }, (_, i) =>
      tick(i, 100 + ((i * 7) % 5), 10 + ((i * 3) % 4), i),
    );
    const full = stepFeatureBatch(initialFeatureState(), ticks, config).state;
    assert.deepEqual(rebuildFeatureState(ticks, config), full);
    const short = stepFeatureBatch(initialFeatureState(), ticks.slice(-(needed - 1)), config).state;
    assert.notDeepEqual(short, full);
  });
});
