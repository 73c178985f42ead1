/**
 * Which features the Silver stage computes per symbol. Like a label definition, a config is versioned: the model
 * records the version its normalization statistics and weights were trained with.
 */
export interface FeatureConfig {
  readonly version: string;
  /** k: the vector carries the previous k one-tick log returns (lags 1..k). */
  readonly returnLags: number;
  /** Rolling windows, in returns, for mean / std / min / max of one-tick log returns. */
  readonly returnWindows: readonly number[];
  /** Rolling window, in ticks, of the volume z-score. */
  readonly volumeWindow: number;
  /** L: the model input is the last L feature vectors. */
  readonly sequenceLength: number;
  /** How far behind the symbol's latest event time a late tick may be and still be marked for backfill. */
  readonly allowedLatenessUs: bigint;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  version: 'features-v1',
  returnLags: 5,
  returnWindows: [5, 20, 60],
  volumeWindow: 20,
  sequenceLength: 30,
  allowedLatenessUs: 5_000_000n,
};

/** @throws RangeError for a config whose windows or lengths are not positive integers */
export function assertFeatureConfig(config: FeatureConfig): void {
  const positiveInts = [config.volumeWindow, config.sequenceLength, ...config.returnWindows];
  if (!positiveInts.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new RangeError('windows and sequenceLength must be integers ≥ 1');
  }
  if (!(Number.isInteger(config.returnLags) && config.returnLags >= 0)) {
    throw new RangeError('returnLags must be an integer ≥ 0');
  }
  if (config.allowedLatenessUs < 0n) throw new RangeError('allowedLatenessUs must be ≥ 0');
}

/**
 * Names of the vector's components, in order. The order is part of the config version: the model's input layer
 * and its normalization statistics are indexed the same way.
 */
export function featureNames(config: FeatureConfig): string[] {
  const lags = Array.from({ length: config.returnLags }, (_, i) => `return_lag_${i + 1}`);
  const windows = config.returnWindows.flatMap((w) => [
    `return_mean_${w}`,
    `return_std_${w}`,
    `return_min_${w}`,
    `return_max_${w}`,
  ]);
  return ['log_return', ...lags, ...windows, `volume_z_${config.volumeWindow}`, 'seconds_since_prev'];
}

/** Returns the state keeps: enough for the longest window and for the current return plus k lags. */
export function returnsKept(config: FeatureConfig): number {
  return Math.max(config.returnLags + 1, ...config.returnWindows);
}

/**
 * How many trailing applied (non-late) ticks of a symbol rebuild its feature state exactly: replaying them from
 * the initial state yields the same state, bit for bit, as processing the symbol's whole history. The last L
 * vectors must each see a full history: the oldest needs `max(returnsKept, volumeWindow)` ticks before it.
 */
export function replayTicksRequired(config: FeatureConfig): number {
  return config.sequenceLength + Math.max(returnsKept(config), config.volumeWindow);
}
