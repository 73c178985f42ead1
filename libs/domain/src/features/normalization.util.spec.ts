import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureConfig, featureNames } from './feature.config';
import { computeNormalizationStats, normalizeSequence } from './normalization.util';

// One lag, one window: vectors have featureNames(CONFIG).length = 1 + 1 + 4 + 1 + 1 = 8 values.
const CONFIG: FeatureConfig = {
  version: 'norm-test',
  returnLags: 1,
  returnWindows: [2],
  volumeWindow: 2,
  sequenceLength: 2,
  allowedLatenessUs: 0n,
};
const WIDTH = featureNames(CONFIG).length;
const row = (base: number, constant = 7): number[] => [
  ...Array.from({ length: WIDTH - 1 }, (_, i) => base + i),
  constant,
];

describe('normalization statistics', () => {
  it('computes per-feature mean and population std over complete vectors only', () => {
    const incomplete = [null, ...row(1000).slice(1)];
    const stats = computeNormalizationStats([row(1), row(3), incomplete], CONFIG);
    assert.equal(stats.count, 2);
    assert.deepEqual(stats.mean, [...Array.from({ length: WIDTH - 1 }, (_, i) => 2 + i), 7]);
    assert.deepEqual(stats.std.slice(0, WIDTH - 1), new Array<number>(WIDTH - 1).fill(1));
    assert.deepEqual(stats.featureNames, featureNames(CONFIG));
  });

  it('stores a constant feature with std 1 so that it normalizes to 0, not NaN', () => {
    const stats = computeNormalizationStats([row(1), row(3)], CONFIG);
    assert.equal(stats.std.at(-1), 1);
    const [normalized] = normalizeSequence([row(3)], stats, CONFIG);
    assert.deepEqual(normalized, [...new Array<number>(WIDTH - 1).fill(1), 0]);
  });

  it('refuses to compute statistics from no complete vector', () => {
    assert.throws(() => computeNormalizationStats([[null, ...row(1).slice(1)]], CONFIG), RangeError);
  });

  it('refuses statistics made for another feature version', () => {
    const stats = computeNormalizationStats([row(1), row(3)], CONFIG);
    assert.throws(() => normalizeSequence([row(1)], stats, { ...CONFIG, version: 'other' }), RangeError);
  });
});
