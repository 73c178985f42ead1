import { type ColumnSpec } from '../columnar-builder';
import { type MergeSpec } from '../lake.port';
import { RETENTION_PROPERTIES, type TableDefinition, utcDateOf } from '../table-definition';

/** What the predictor said about an event (`signals.predictions`, kind `prediction`). */
export interface GoldPredictionSide {
  readonly price: number;
  readonly probability: number;
  readonly predictedLabel: 0 | 1;
  /** The model's operating point: predicted 1 when probability ≥ threshold. */
  readonly threshold: number;
  readonly modelVersion: string;
  readonly backend: string;
  /** The label definition the model was trained for. */
  readonly modelLabelVersion: string;
  /** Lineage: the Silver version committed when the refiner announced the event (the event is in a later one). */
  readonly silverVersion: bigint;
  readonly predictedTimeUs: bigint;
}

/** What really happened (`ticks.outcomes`). */
export interface GoldOutcomeSide {
  readonly realizedReturn: number;
  readonly actualLabel: 0 | 1;
  /** The jump threshold of the label definition. */
  readonly labelThreshold: number;
  readonly labelVersion: string;
  readonly horizonEventId: string;
  /** Lineage: the Silver version committed when the refiner announced the outcome. */
  readonly outcomeSilverVersion: bigint;
  /** When the publisher wrote the outcome (UTC µs). */
  readonly resolvedTimeUs: bigint;
}

/**
 * One `gold.predictions` row as a writer sends it: the event's identity plus the side that writer owns. The other
 * side's columns are null in the source row and, on a match, left as the target holds them.
 */
export interface GoldPredictionRow {
  readonly eventId: string;
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly prediction: GoldPredictionSide | null;
  readonly outcome: GoldOutcomeSide | null;
}

/** Columns a prediction sets (on insert and on a match). */
export const GOLD_PREDICTION_COLUMNS = [
  'price',
  'probability',
  'predicted_label',
  'threshold',
  'model_version',
  'backend',
  'model_label_version',
  'silver_version',
  'predicted_time',
] as const;

/** Columns an outcome sets (on insert and on a match). */
export const GOLD_OUTCOME_COLUMNS = [
  'realized_return',
  'actual_label',
  'label_threshold',
  'label_version',
  'horizon_event_id',
  'outcome_silver_version',
  'resolved_time',
] as const;

const columns: readonly ColumnSpec[] = [
  { name: 'event_id', kind: 'utf8', nullable: false },
  { name: 'symbol', kind: 'utf8', nullable: false },
  { name: 'event_time', kind: 'timestamp_us', nullable: false },
  { name: 'price', kind: 'f64', nullable: true },
  { name: 'probability', kind: 'f64', nullable: true },
  { name: 'predicted_label', kind: 'i32', nullable: true },
  { name: 'threshold', kind: 'f64', nullable: true },
  { name: 'model_version', kind: 'utf8', nullable: true },
  { name: 'backend', kind: 'utf8', nullable: true },
  { name: 'model_label_version', kind: 'utf8', nullable: true },
  { name: 'silver_version', kind: 'i64', nullable: true },
  { name: 'predicted_time', kind: 'timestamp_us', nullable: true },
  { name: 'realized_return', kind: 'f64', nullable: true },
  { name: 'actual_label', kind: 'i32', nullable: true },
  { name: 'label_threshold', kind: 'f64', nullable: true },
  { name: 'label_version', kind: 'utf8', nullable: true },
  { name: 'horizon_event_id', kind: 'utf8', nullable: true },
  { name: 'outcome_silver_version', kind: 'i64', nullable: true },
  { name: 'resolved_time', kind: 'timestamp_us', nullable: true },
  { name: 'event_date', kind: 'utf8', nullable: false },
];

/**
 * `gold.predictions`: one row per `event_id` (invariant), joining a prediction with its realized outcome. Written
 * only by MERGE on `event_id` within the `event_date` partition; the two sides arrive in either order and each
 * updates only its own columns ({@link goldPredictionsMerge}).
 */
export const GOLD_PREDICTIONS: TableDefinition<GoldPredictionRow> = {
  name: 'gold.predictions',
  path: 'gold/predictions',
  columns,
  partitionColumns: ['event_date'],
  properties: RETENTION_PROPERTIES,
  toColumns: (r) => {
    const p = r.prediction;
    const o = r.outcome;
    return [
      r.eventId,
      r.symbol,
      r.eventTimeUs,
      p?.price ?? null,
      p?.probability ?? null,
      p?.predictedLabel ?? null,
      p?.threshold ?? null,
      p?.modelVersion ?? null,
      p?.backend ?? null,
      p?.modelLabelVersion ?? null,
      p?.silverVersion ?? null,
      p?.predictedTimeUs ?? null,
      o?.realizedReturn ?? null,
      o?.actualLabel ?? null,
      o?.labelThreshold ?? null,
      o?.labelVersion ?? null,
      o?.horizonEventId ?? null,
      o?.outcomeSilverVersion ?? null,
      o?.resolvedTimeUs ?? null,
      utcDateOf(r.eventTimeUs),
    ];
  },
};

/** The MERGE of one side into `gold.predictions`: insert when new, else update only that side's columns. */
export function goldPredictionsMerge(side: 'prediction' | 'outcome'): MergeSpec {
  return {
    // Not event_time as a second key, although it would let delta-rs skip files outside the batch's time range: with
    // it, delta-rs's conflict check let a MERGE planned on a stale snapshot commit after a concurrent insert of the
    // same event by the other side, and the event got two rows (the two-writers int spec in apps/publisher). The two
    // sides have different app ids, so only this data conflict keeps them from doubling a row.
    keys: ['event_id'],
    partitionColumn: 'event_date',
    whenMatched: { update: side === 'prediction' ? GOLD_PREDICTION_COLUMNS : GOLD_OUTCOME_COLUMNS },
    whenNotMatched: 'insert',
  };
}
