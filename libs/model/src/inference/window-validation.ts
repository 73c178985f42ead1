/** Why a window (or a whole batch) was not scored. Stable strings: the app puts them on error results. */
export const INPUT_REJECT_CODES = ['SHAPE_MISMATCH', 'NON_FINITE_FEATURE'] as const;

export type InputRejectCode = (typeof INPUT_REJECT_CODES)[number];

export interface InputReject {
  readonly code: InputRejectCode;
  readonly reason: string;
}

export interface WindowShape {
  readonly timesteps: number;
  readonly features: number;
}

/** A batch is `n` windows of `timesteps × features` float32 values, row-major: window, then timestep, then feature. */
export function checkBatchShape(
  windows: Float32Array,
  n: number,
  timesteps: number,
  features: number,
  expected: WindowShape,
): InputReject | null {
  if (!Number.isInteger(n) || n < 0) return { code: 'SHAPE_MISMATCH', reason: `n=${n} is not a count` };
  if (timesteps !== expected.timesteps || features !== expected.features) {
    return {
      code: 'SHAPE_MISMATCH',
      reason: `window is ${timesteps}×${features}, the model expects ${expected.timesteps}×${expected.features}`,
    };
  }
  if (windows.length !== n * timesteps * features) {
    return {
      code: 'SHAPE_MISMATCH',
      reason: `${windows.length} values for ${n} windows of ${timesteps}×${features}`,
    };
  }
  return null;
}

/** The indexes of windows holding NaN or ±Infinity, with the first offending timestep and feature. */
export function findNonFiniteWindows(
  windows: Float32Array,
  n: number,
  shape: WindowShape,
): Map<number, InputReject> {
  const size = shape.timesteps * shape.features;
  const rejects = new Map<number, InputReject>();
  for (let row = 0; row < n; row += 1) {
    const base = row * size;
    for (let k = 0; k < size; k += 1) {
      if (!Number.isFinite(windows[base + k])) {
        const timestep = Math.floor(k / shape.features);
        const feature = k % shape.features;
        rejects.set(row, {
          code: 'NON_FINITE_FEATURE',
          reason: `window ${row}: feature ${feature} at timestep ${timestep} is ${windows[base + k]}`,
        });
        break;
      }
    }
  }
  return rejects;
}
