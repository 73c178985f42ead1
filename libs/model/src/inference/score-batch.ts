import { NormalizationStats } from '@lakehouse/domain';
import { InputReject, WindowShape, checkBatchShape, findNonFiniteWindows } from './window-validation';
import { WindowPredictor } from './window-predictor';
import { normalizeWindows } from './window-normalizer';

/** Scores of one batch: `probabilities[i]` is NaN exactly where `rejects` has row i. */
export type BatchScores =
  | {
      readonly ok: true;
      readonly probabilities: Float32Array;
      readonly rejects: ReadonlyMap<number, InputReject>;
    }
  | { readonly ok: false; readonly reject: InputReject };

/**
 * Validates, normalizes and scores raw windows in one forward pass. A batch of the wrong shape is rejected as a
 * whole; a window holding NaN or ±Infinity is rejected alone and the rest of the batch is still scored.
 */
export async function scoreBatch(
  predictor: WindowPredictor,
  normalization: NormalizationStats,
  expected: WindowShape,
  windows: Float32Array,
  n: number,
  timesteps: number,
  features: number,
): Promise<BatchScores> {
  const shapeReject = checkBatchShape(windows, n, timesteps, features, expected);
  if (shapeReject !== null) return { ok: false, reject: shapeReject };
  const rejects = findNonFiniteWindows(windows, n, expected);
  const size = timesteps * features;
  let input = windows;
  if (rejects.size > 0) {
    input = new Float32Array((n - rejects.size) * size);
    let at = 0;
    for (let row = 0; row < n; row += 1) {
      if (rejects.has(row)) continue;
      input.set(windows.subarray(row * size, (row + 1) * size), at * size);
      at += 1;
    }
  }
  const scored = await predictor.predict(normalizeWindows(input, normalization), n - rejects.size);
  if (rejects.size === 0) return { ok: true, probabilities: scored, rejects };
  const probabilities = new Float32Array(n).fill(Number.NaN);
  let at = 0;
  for (let row = 0; row < n; row += 1) {
    if (!rejects.has(row)) probabilities[row] = scored[at++]!;
  }
  return { ok: true, probabilities, rejects };
}
