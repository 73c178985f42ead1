import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMulberry32 } from '../random/mulberry32.util';
import { bootstrapMetrics, quantile } from './bootstrap-interval.util';
import { ScoredPrediction } from './classification-metrics.util';

const SEED = 20_240_102;
const RESAMPLES = 200;

/** A deterministic, moderately good classifier over 200 events. */
const SAMPLE: ScoredPrediction[] = Array.from({ length: 200 }, (_, i) => {
  const actual = i % 3 === 0 ? 1 : 0;
  const probability = ((i * 37) % 100) / 100 / 2 + actual * 0.3;
  return { actual, probability, predicted: probability > 0.4 ? 1 : 0 };
});

describe('bootstrapMetrics', () => {
  it('gives the same intervals for the same seed and different ones for another seed', () => {
    const a = bootstrapMetrics(SAMPLE, { random: createMulberry32(SEED), resamples: RESAMPLES });
    const b = bootstrapMetrics(SAMPLE, { random: createMulberry32(SEED), resamples: RESAMPLES });
    const c = bootstrapMetrics(SAMPLE, { random: createMulberry32(SEED + 1), resamples: RESAMPLES });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('brackets each full-sample estimate with a non-empty interval', () => {
    const intervals = bootstrapMetrics(SAMPLE, { random: createMulberry32(SEED), resamples: RESAMPLES });
    for (const [metric, interval] of Object.entries(intervals)) {
      assert.ok(interval, metric);
      assert.ok(interval.estimate !== null, metric);
      assert.ok(interval.lower <= interval.estimate && interval.estimate <= interval.upper, metric);
      assert.ok(interval.lower < interval.upper, metric);
      assert.equal(interval.resamplesUsed, RESAMPLES, metric);
    }
  });

  it('narrows the interval as the confidence level drops', () => {
    const wide = bootstrapMetrics(SAMPLE, {
      random: createMulberry32(SEED),
      resamples: RESAMPLES,
      metrics: ['accuracy'],
    });
    const narrow = bootstrapMetrics(SAMPLE, {
      random: createMulberry32(SEED),
      resamples: RESAMPLES,
      confidence: 0.5,
      metrics: ['accuracy'],
    });
    const width = (i: typeof wide.accuracy): number => (i ? i.upper - i.lower : Number.NaN);
    assert.ok(width(narrow.accuracy) < width(wide.accuracy));
  });

  it('gives null intervals for an empty sample and for metrics no resample can define', () => {
    const empty = bootstrapMetrics([], { random: createMulberry32(SEED), metrics: ['accuracy'] });
    assert.equal(empty.accuracy, null);
    const oneClass: ScoredPrediction[] = [
      { actual: 0, predicted: 0, probability: 0.2 },
      { actual: 0, predicted: 1, probability: 0.7 },
    ];
    const intervals = bootstrapMetrics(oneClass, { random: createMulberry32(SEED), resamples: RESAMPLES });
    assert.equal(intervals.rocAuc, null);
    assert.ok(intervals.accuracy);
  });

  it('refuses a confidence level outside (0, 1)', () => {
    assert.throws(
      () => bootstrapMetrics(SAMPLE, { random: createMulberry32(SEED), confidence: 1 }),
      RangeError,
    );
  });
});

describe('quantile', () => {
  const cases = [
    { q: 0, expected: 1 },
    { q: 0.5, expected: 2.5 },
    { q: 1, expected: 4 },
    { q: 0.25, expected: 1.75 },
  ];
  for (const { q, expected } of cases) {
    it(`interpolates the ${q} quantile of 1..4 as ${expected}`, () => {
      assert.equal(quantile([1, 2, 3, 4], q), expected);
    });
  }
});
