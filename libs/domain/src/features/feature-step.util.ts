/*
 * Late and out-of-order ticks (the policy every stage relies on):
 *
 * Per symbol, the state remembers the latest applied event time; the watermark is that time minus
 * `allowedLatenessUs`. Ticks with an equal event time are in order (their `seconds_since_prev` is 0).
 * A tick strictly older than the latest applied one is never applied: its features are not computed and the state
 * is returned unchanged. Computing features "as of" an older time without rewinding would use the wrong
 * neighbours, and mutating the state would make features depend on arrival order. Instead:
 *   - `late`    — at or after the watermark: Silver stores it flagged `needs_backfill`; a batch backfill recomputes
 *                 the symbol's features from that event time on, in event-time order.
 *   - `expired` — before the watermark: Silver stores it flagged, it is never backfilled.
 * Either way the live feature stream, and so the model's input, depends only on the ticks applied, which is what
 * makes one batch, many batches and a restart agree.
 */
import { SilverTick } from '../tick/silver-tick.schema';
import { FeatureConfig, replayTicksRequired, returnsKept } from './feature.config';
import { FeatureState, FeatureVector, initialFeatureState } from './feature-state.schema';
import { lastN, mean, populationStd } from './rolling-stats.util';

const MICROS_PER_SECOND = 1_000_000;

/** The features of one applied tick. */
export interface FeatureRow {
  readonly eventId: string;
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly featureVersion: string;
  /** In `featureNames(config)` order. */
  readonly values: FeatureVector;
}

export type FeatureStepResult =
  | { readonly kind: 'applied'; readonly state: FeatureState; readonly row: FeatureRow }
  | {
      readonly kind: 'late' | 'expired';
      /** The input state, unchanged. */
      readonly state: FeatureState;
      readonly eventId: string;
      /** How far behind the latest applied event time the tick is (> 0). */
      readonly lateByUs: bigint;
    };

function windowStats(returns: readonly number[], hasReturn: boolean, window: number): (number | null)[] {
  if (!hasReturn || returns.length < window) return [null, null, null, null];
  const values = lastN(returns, window);
  return [mean(values), populationStd(values), Math.min(...values), Math.max(...values)];
}

/** z of this tick's volume against the previous window; 0 when the window has no dispersion at all. */
function volumeZ(previous: readonly number[], volume: number, window: number): number | null {
  if (previous.length < window) return null;
  const std = populationStd(previous);
  return std === 0 ? 0 : (volume - mean(previous)) / std;
}

/**
 * The pure feature step for one symbol: `(state, tick) → (state', features)`. Features of the N-th tick are the
 * same whether the ticks arrive in one batch, one per batch, or across a restart with the state rebuilt by
 * {@link rebuildFeatureState}. Ticks must all be of the state's symbol. See the file comment for late ticks.
 *
 * Vector (`featureNames(config)`): one-tick log return ln(pₜ/pₜ₋₁); its lags 1..k; mean, population std, min
 * and max of the last w returns for each window w; z-score of the volume against the previous `volumeWindow`
 * volumes; seconds since the previous tick. A component is null until its history is long enough.
 */
export function stepFeatures(
  state: FeatureState,
  tick: SilverTick,
  config: FeatureConfig,
): FeatureStepResult {
  if (state.lastEventTimeUs !== null && tick.eventTimeUs < state.lastEventTimeUs) {
    const lateByUs = state.lastEventTimeUs - tick.eventTimeUs;
    return {
      kind: lateByUs <= config.allowedLatenessUs ? 'late' : 'expired',
      state,
      eventId: tick.eventId,
      lateByUs,
    };
  }
  const logReturn = state.lastPrice === null ? null : Math.log(tick.price / state.lastPrice);
  const returns =
    logReturn === null ? state.returns : lastN([...state.returns, logReturn], returnsKept(config));
  const lags = Array.from({ length: config.returnLags }, (_, i) =>
    logReturn === null ? null : (returns[returns.length - 2 - i] ?? null),
  );
  const windows = config.returnWindows.flatMap((w) => windowStats(returns, logReturn !== null, w));
  const secondsSincePrev =
    state.lastEventTimeUs === null
      ? null
      : Number(tick.eventTimeUs - state.lastEventTimeUs) / MICROS_PER_SECOND;
  const values: FeatureVector = [
    logReturn,
    ...lags,
    ...windows,
    volumeZ(state.volumes, tick.volume, config.volumeWindow),
    secondsSincePrev,
  ];
  return {
    kind: 'applied',
    state: {
      lastEventTimeUs: tick.eventTimeUs,
      lastPrice: tick.price,
      returns,
      volumes: lastN([...state.volumes, tick.volume], config.volumeWindow),
      vectors: lastN([...state.vectors, values], config.sequenceLength),
    },
    row: {
      eventId: tick.eventId,
      symbol: tick.symbol,
      eventTimeUs: tick.eventTimeUs,
      featureVersion: config.version,
      values,
    },
  };
}

/** {@link stepFeatures} over a batch of one symbol's ticks, in arrival order. */
export function stepFeatureBatch(
  state: FeatureState,
  ticks: Iterable<SilverTick>,
  config: FeatureConfig,
): { state: FeatureState; results: FeatureStepResult[] } {
  const results: FeatureStepResult[] = [];
  let current = state;
  for (const tick of ticks) {
    const result = stepFeatures(current, tick, config);
    results.push(result);
    current = result.state;
  }
  return { state: current, results };
}

/**
 * Rebuilds a symbol's state after a restart from its trailing applied ticks (in event-time order, late ones
 * excluded). Given at least the last {@link replayTicksRequired} of them — more are fine — the result equals the
 * state the uninterrupted process had.
 */
export function rebuildFeatureState(
  trailingAppliedTicks: readonly SilverTick[],
  config: FeatureConfig,
): FeatureState {
  const replay = lastN(trailingAppliedTicks, replayTicksRequired(config));
  return stepFeatureBatch(initialFeatureState(), replay, config).state;
}

/**
 * The model input before normalization: the last L vectors, oldest first, once all L exist and are complete;
 * null before that. Normalize with `normalizeSequence` and the model's own statistics.
 */
export function modelSequence(state: FeatureState, config: FeatureConfig): number[][] | null {
  if (state.vectors.length < config.sequenceLength) return null;
  const sequence: number[][] = [];
  for (const vector of state.vectors) {
    if (vector.some((v) => v === null)) return null;
    sequence.push(vector as number[]);
  }
  return sequence;
}
