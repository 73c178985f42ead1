import { FeatureConfig, featureNames } from './feature.config';
import { FeatureVector } from './feature-state.schema';

/**
 * Per-feature mean and std from the training rows. They belong to the model (saved beside its weights) and are
 * passed back in at serving time, so training and serving scale features identically.
 */
export interface NormalizationStats {
  readonly featureVersion: string;
  readonly featureNames: readonly string[];
  readonly count: number;
  readonly mean: readonly number[];
  /** Population std; a feature with none is stored as 1 so that it normalizes to 0 instead of NaN. */
  readonly std: readonly number[];
}

/**
 * Computes normalization statistics over the complete vectors among `vectors` (those with a null are skipped,
 * as the model never sees them).
 *
 * @throws RangeError when no vector is complete or a vector has the wrong width
 */
export function computeNormalizationStats(
  vectors: Iterable<FeatureVector>,
  config: FeatureConfig,
): NormalizationStats {
  const names = featureNames(config);
  const sums = new Array<number>(names.length).fill(0);
  const complete: number[][] = [];
  for (const vector of vectors) {
    if (vector.length !== names.length)
      throw new RangeError(`vector has ${vector.length} values, expected ${names.length}`);
    if (vector.some((v) => v === null)) continue;
    complete.push(vector as number[]);
    vector.forEach((v, i) => (sums[i] = (sums[i] ?? 0) + (v as number)));
  }
  if (complete.length === 0) throw new RangeError('no complete feature vector to compute statistics from');
  const mean = sums.map((s) => s / complete.length);
  // Second pass around the mean: one-pass sums of squares cancel badly for features like prices-in-seconds.
  const squares = new Array<number>(names.length).fill(0);
  for (const vector of complete) {
    vector.forEach((v, i) => (squares[i] = (squares[i] ?? 0) + (v - (mean[i] ?? 0)) ** 2));
  }
  const std = squares.map((s) => Math.sqrt(s / complete.length) || 1);
  return { featureVersion: config.version, featureNames: names, count: complete.length, mean, std };
}

/**
 * Scales a model sequence feature by feature: (x − mean) / std.
 *
 * @throws RangeError when the statistics were computed for another feature version or width
 */
export function normalizeSequence(
  sequence: readonly (readonly number[])[],
  stats: NormalizationStats,
  config: FeatureConfig,
): number[][] {
  if (stats.featureVersion !== config.version) {
    throw new RangeError(`statistics are for features ${stats.featureVersion}, not ${config.version}`);
  }
  return sequence.map((vector) => {
    if (vector.length !== stats.mean.length)
      throw new RangeError('vector width does not match the statistics');
    return vector.map((v, i) => (v - (stats.mean[i] ?? 0)) / (stats.std[i] ?? 1));
  });
}
