import { FeatureConfig, returnsKept } from './feature.config';

/** One feature vector, in `featureNames(config)` order; null where the history is still too short. */
export type FeatureVector = readonly (number | null)[];

/**
 * Everything the feature step remembers about one symbol. Bounded (no counters, no unbounded lists), so the state
 * after a long history equals the state rebuilt from the last `replayTicksRequired(config)` ticks.
 */
export interface FeatureState {
  /** The latest applied event time; the symbol's watermark is this minus the allowed lateness. */
  readonly lastEventTimeUs: bigint | null;
  readonly lastPrice: number | null;
  /** Trailing one-tick log returns, oldest first, at most `returnsKept(config)`. */
  readonly returns: readonly number[];
  /** Trailing volumes, oldest first, at most `volumeWindow`. */
  readonly volumes: readonly number[];
  /** Trailing feature vectors, oldest first, at most `sequenceLength`. */
  readonly vectors: readonly FeatureVector[];
}

export function initialFeatureState(): FeatureState {
  return { lastEventTimeUs: null, lastPrice: null, returns: [], volumes: [], vectors: [] };
}

/** JSON-safe form of {@link FeatureState} (bigint as a decimal string), for checkpoints. */
export interface FeatureStateJson {
  readonly lastEventTimeUs: string | null;
  readonly lastPrice: number | null;
  readonly returns: readonly number[];
  readonly volumes: readonly number[];
  readonly vectors: readonly FeatureVector[];
}

export function featureStateToJson(state: FeatureState): FeatureStateJson {
  return {
    ...state,
    lastEventTimeUs: state.lastEventTimeUs === null ? null : state.lastEventTimeUs.toString(),
  };
}

/**
 * Reads a checkpoint back. JSON keeps every finite double exactly, so a state that went through JSON steps on
 * identically. Checks the buffer bounds of `config`: a checkpoint from a different config is refused.
 *
 * @throws RangeError when the checkpoint does not fit `config`
 */
export function featureStateFromJson(json: FeatureStateJson, config: FeatureConfig): FeatureState {
  if (
    json.returns.length > returnsKept(config) ||
    json.volumes.length > config.volumeWindow ||
    json.vectors.length > config.sequenceLength
  ) {
    throw new RangeError('feature state checkpoint does not fit this feature config');
  }
  return { ...json, lastEventTimeUs: json.lastEventTimeUs === null ? null : BigInt(json.lastEventTimeUs) };
}
