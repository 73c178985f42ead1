import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_FEATURE_CONFIG,
  NormalizationStats,
  featureNames,
  normalizeSequence,
} from '@lakehouse/domain';
import { normalizeWindows } from './window-normalizer';

const FLOAT32_TOLERANCE = 1e-5;

describe('normalizeWindows', () => {
  it("scales a batch exactly as the domain's normalizeSequence scales each window", () => {
    const names = featureNames(DEFAULT_FEATURE_CONFIG);
    const width = names.length;
    const stats: NormalizationStats = {
      featureVersion: DEFAULT_FEATURE_CONFIG.version,
      featureNames: names,
      count: 100,
      mean: names.map((_, i) => i * 0.25 - 1),
      std: names.map((_, i) => 0.5 + i),
    };
    const timesteps = 3;
    const windows = [0, 1].map((w) =>
      Array.from({ length: timesteps }, (_, t) =>
        Array.from({ length: width }, (_, f) => Math.sin(w * 7 + t * 3 + f)),
      ),
    );
    const batch = normalizeWindows(Float32Array.from(windows.flat(2)), stats);
    const expected = windows.flatMap((w) => normalizeSequence(w, stats, DEFAULT_FEATURE_CONFIG).flat());
    assert.equal(batch.length, expected.length);
    expected.forEach((value, i) => assert.ok(Math.abs(batch[i]! - value) < FLOAT32_TOLERANCE, `value ${i}`));
  });
});
