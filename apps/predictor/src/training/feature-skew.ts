import {
  type FeatureConfig,
  type FeatureVector,
  type SilverTick,
  initialFeatureState,
  stepFeatures,
} from '@lakehouse/domain';

/** A Silver row as training reads it: the tick, and the features the refiner stored for it (null when none). */
export interface StoredTick {
  readonly tick: SilverTick;
  readonly featureVersion: string | null;
  readonly features: FeatureVector | null;
}

export interface FeatureSkew {
  /** Rows whose recomputed vector is complete and whose stored vector is of the same feature version. */
  readonly compared: number;
  readonly mismatched: number;
  /** The first differing row, for the error message. */
  readonly first?: {
    readonly eventId: string;
    readonly feature: number;
    readonly stored: unknown;
    readonly recomputed: unknown;
  };
}

/**
 * Training recomputes features with the domain's `stepFeatures`, as the refiner does in the stream. This checks
 * that claim against what the refiner stored in `silver.ticks`' f_* columns, bit for bit. Only complete recomputed
 * vectors are compared: at the start of a date range the recomputation has less history than the stream had, and
 * a vector with a null component is never part of a model window anyway. Every complete vector depends only on a
 * bounded trailing history, so where both exist they must be equal.
 */
export function featureSkew(rows: readonly StoredTick[], config: FeatureConfig): FeatureSkew {
  let state = initialFeatureState();
  let compared = 0;
  let mismatched = 0;
  let first: FeatureSkew['first'];
  for (const row of rows) {
    const step = stepFeatures(state, row.tick, config);
    if (step.kind !== 'applied') continue;
    state = step.state;
    const recomputed = step.row.values;
    if (row.features === null || row.featureVersion !== config.version) continue;
    if (recomputed.some((v) => v === null)) continue;
    compared += 1;
    const at = recomputed.findIndex((v, i) => !Object.is(v, row.features![i] ?? null));
    if (at >= 0 || recomputed.length !== row.features.length) {
      mismatched += 1;
      first ??= {
        eventId: row.tick.eventId,
        feature: at,
        stored: row.features[at],
        recomputed: recomputed[at],
      };
    }
  }
  return { compared, mismatched, ...(first ? { first } : {}) };
}
