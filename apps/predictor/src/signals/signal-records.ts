import {
  PREDICTION_SCHEMA_VERSION,
  type Prediction,
  type PredictionReject,
  type RefinedTick,
} from '@lakehouse/bus';

/**
 * Why an event got a `reject` record instead of a prediction. Stable strings: the publisher and dashboards count
 * them. `SHAPE_MISMATCH` and `NON_FINITE_FEATURE` are the model library's own input checks.
 */
export const PREDICTION_REJECT_CODES = [
  'UNDECODABLE_RECORD',
  'FEATURE_VERSION_MISMATCH',
  'SHAPE_MISMATCH',
  'NON_FINITE_FEATURE',
  'NON_FINITE_OUTPUT',
] as const;

export type PredictionRejectCode = (typeof PREDICTION_REJECT_CODES)[number];

/** What one batch was scored with: the same for every prediction of the batch. */
export interface ScoredWith {
  readonly modelVersion: string;
  readonly backend: string;
  readonly labelVersion: string;
  readonly threshold: number;
}

export function predictionRecord(
  tick: RefinedTick,
  probability: number,
  predictedLabel: 0 | 1,
  scoredWith: ScoredWith,
  inferenceLatencyMs: number,
  producedAt: string,
): Prediction {
  return {
    schemaVersion: PREDICTION_SCHEMA_VERSION,
    kind: 'prediction',
    eventId: tick.eventId,
    symbol: tick.symbol,
    eventTimeUs: tick.eventTimeUs.toString(),
    price: tick.price,
    probability,
    predictedLabel,
    threshold: scoredWith.threshold,
    modelVersion: scoredWith.modelVersion,
    backend: scoredWith.backend,
    labelVersion: scoredWith.labelVersion,
    silverVersion: tick.silverVersion.toString(),
    inferenceLatencyMs,
    producedAt,
  };
}

export function rejectRecord(
  about: { readonly eventId: string | null; readonly symbol: string | null },
  code: PredictionRejectCode,
  reason: string,
  modelVersion: string | null,
  producedAt: string,
): PredictionReject {
  return {
    schemaVersion: PREDICTION_SCHEMA_VERSION,
    kind: 'reject',
    eventId: about.eventId,
    symbol: about.symbol,
    reasonCode: code,
    reason,
    modelVersion,
    producedAt,
  };
}
