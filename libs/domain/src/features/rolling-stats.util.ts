/**
 * Statistics recomputed from the window's values on every call rather than kept as running sums: running sums
 * drift with the order of additions, and features must be bit-identical however the ticks were batched.
 */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation (divides by n), two-pass for stability. */
export function populationStd(values: readonly number[]): number {
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / values.length);
}

/** The last `n` items of `values` (all of them when there are fewer). */
export function lastN<T>(values: readonly T[], n: number): T[] {
  return n <= 0 ? [] : values.slice(Math.max(0, values.length - n));
}
