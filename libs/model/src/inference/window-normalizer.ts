import { NormalizationStats } from '@lakehouse/domain';

/**
 * The hot-path twin of the domain's `normalizeSequence`: the same (x − mean) / std per feature, over a whole batch
 * of float32 windows at once instead of one `number[][]` at a time. A spec checks the two agree.
 */
export function normalizeWindows(windows: Float32Array, stats: NormalizationStats): Float32Array {
  const features = stats.mean.length;
  const out = new Float32Array(windows.length);
  const mean = Float64Array.from(stats.mean);
  const inverseStd = Float64Array.from(stats.std, (s) => 1 / s);
  for (let i = 0; i < windows.length; i += 1) {
    const f = i % features;
    out[i] = (windows[i]! - mean[f]!) * inverseStd[f]!;
  }
  return out;
}
