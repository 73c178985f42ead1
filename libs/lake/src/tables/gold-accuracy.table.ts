import { type ColumnSpec } from '../columnar-builder';
import { type MergeSpec } from '../lake.port';
import { RETENTION_PROPERTIES, type TableDefinition } from '../table-definition';

/** The `scope` of the overall row of a model version (all symbols together). */
export const ALL_SYMBOLS_SCOPE = '*';

/**
 * One `gold.accuracy` row: a model version's rolling metrics over resolved `gold.predictions` rows, for one symbol
 * or (scope `*`, symbol null) for all of them. Metrics undefined on the data (one class only…) are null.
 */
export interface GoldAccuracyRow {
  readonly modelVersion: string;
  /** A symbol, or {@link ALL_SYMBOLS_SCOPE}. */
  readonly scope: string;
  readonly symbol: string | null;
  readonly n: number;
  readonly positives: number;
  readonly positiveRate: number | null;
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly mcc: number | null;
  /** The majority-class predictor on the same rows: its class, accuracy, and MCC (0: a constant has none). */
  readonly majorityClass: 0 | 1 | null;
  readonly baselineAccuracy: number | null;
  readonly baselineMcc: number | null;
  /** The rolling window: at most this many of the latest resolved events per model version and symbol. */
  readonly windowSize: number;
  readonly windowFromUs: bigint | null;
  readonly windowToUs: bigint | null;
  /** The `gold.predictions` version the metrics were computed at (lineage). */
  readonly predictionsVersion: bigint;
  readonly asOfUs: bigint;
}

const columns: readonly ColumnSpec[] = [
  { name: 'model_version', kind: 'utf8', nullable: false },
  { name: 'scope', kind: 'utf8', nullable: false },
  { name: 'symbol', kind: 'utf8', nullable: true },
  { name: 'n', kind: 'i64', nullable: false },
  { name: 'positives', kind: 'i64', nullable: false },
  { name: 'positive_rate', kind: 'f64', nullable: true },
  { name: 'accuracy', kind: 'f64', nullable: true },
  { name: 'balanced_accuracy', kind: 'f64', nullable: true },
  { name: 'mcc', kind: 'f64', nullable: true },
  { name: 'majority_class', kind: 'i32', nullable: true },
  { name: 'baseline_accuracy', kind: 'f64', nullable: true },
  { name: 'baseline_mcc', kind: 'f64', nullable: true },
  { name: 'window_size', kind: 'i64', nullable: false },
  { name: 'window_from', kind: 'timestamp_us', nullable: true },
  { name: 'window_to', kind: 'timestamp_us', nullable: true },
  { name: 'predictions_version', kind: 'i64', nullable: false },
  { name: 'as_of', kind: 'timestamp_us', nullable: false },
];

/**
 * `gold.accuracy`: the latest rolling metrics per (model version, scope), upserted after Gold commits. Earlier values
 * stay readable through time travel (`version=`/`asOf=`).
 */
export const GOLD_ACCURACY: TableDefinition<GoldAccuracyRow> = {
  name: 'gold.accuracy',
  path: 'gold/accuracy',
  columns,
  partitionColumns: [],
  properties: RETENTION_PROPERTIES,
  toColumns: (r) => [
    r.modelVersion,
    r.scope,
    r.symbol,
    BigInt(r.n),
    BigInt(r.positives),
    r.positiveRate,
    r.accuracy,
    r.balancedAccuracy,
    r.mcc,
    r.majorityClass,
    r.baselineAccuracy,
    r.baselineMcc,
    BigInt(r.windowSize),
    r.windowFromUs,
    r.windowToUs,
    r.predictionsVersion,
    r.asOfUs,
  ],
};

export const GOLD_ACCURACY_MERGE: MergeSpec = {
  keys: ['model_version', 'scope'],
  whenMatched: { update: columns.map((c) => c.name).filter((c) => c !== 'model_version' && c !== 'scope') },
  whenNotMatched: 'insert',
};
