import { type FeatureVector } from '@lakehouse/domain';
import { type ColumnSpec } from '../columnar-builder';
import { RETENTION_PROPERTIES, type TableDefinition, utcDateOf } from '../table-definition';

/**
 * How a Silver tick stands against its symbol's feature watermark (see the domain's late-tick policy): `on_time`
 * (applied on arrival), `late` (within the allowed lateness, stored without features until the late repair),
 * `repaired` (a late tick the repair has applied in event-time order: it has features now), `expired` (beyond the
 * allowed lateness, never applied). `repaired` was added with the late repair (issue #5); the column stays utf8,
 * so the physical schema is unchanged and older tables read as before.
 */
export type LateStatus = 'on_time' | 'late' | 'repaired' | 'expired';

/** Every {@link LateStatus}, for readers that check the column. */
export const LATE_STATUSES: readonly LateStatus[] = ['on_time', 'late', 'repaired', 'expired'];

/**
 * The app id of the refiner's position in `silver.ticks` (and `silver.quarantine`): the last Bronze version Silver
 * covers. Readers that need Silver to hold what the refiner announced (the Gold bars) wait for it.
 */
export const SILVER_POSITION_APP_ID = 'refiner:bronze.ticks';

/** The statuses of ticks applied to the features, in event-time order: a rebuild replays these. */
export const APPLIED_LATE_STATUSES: readonly LateStatus[] = ['on_time', 'repaired'];

export interface SilverTickRow {
  readonly eventId: string;
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: bigint;
  readonly tradeId: string | null;
  readonly exchange: string | null;
  /** `live` or `batch:<file id>`, from Bronze. */
  readonly source: string;
  /** The Bronze version that brought the tick: lineage, and the refiner's input position. */
  readonly bronzeVersion: bigint;
  /**
   * The tick's index within its Bronze version, in arrival order (Kafka partition and offset, or file record).
   * (`bronze_version`, `bronze_seq`) is the order the refiner stepped features in, so a restart can replay it.
   */
  readonly bronzeSeq: bigint;
  readonly lateStatus: LateStatus;
  /** Null for a `late` or `expired` tick; a `repaired` one has them (computed in event-time order). */
  readonly featureVersion: string | null;
  readonly features: FeatureVector | null;
  readonly refinedTimeUs: bigint;
}

const BASE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'event_id', kind: 'utf8', nullable: false },
  { name: 'symbol', kind: 'utf8', nullable: false },
  { name: 'event_time', kind: 'timestamp_us', nullable: false },
  { name: 'price', kind: 'f64', nullable: false },
  { name: 'volume', kind: 'i64', nullable: false },
  { name: 'trade_id', kind: 'utf8', nullable: true },
  { name: 'exchange', kind: 'utf8', nullable: true },
  { name: 'source', kind: 'utf8', nullable: false },
  { name: 'bronze_version', kind: 'i64', nullable: false },
  { name: 'bronze_seq', kind: 'i64', nullable: false },
  { name: 'late_status', kind: 'utf8', nullable: false },
  { name: 'feature_version', kind: 'utf8', nullable: true },
];

/**
 * `silver.ticks`: one row per unique valid event (`event_id`), written only by MERGE. Feature columns are named by
 * the feature config (`featureNames(config)`), so the definition is built from those names. Change data feed is
 * on: the refiner reads back which rows its own MERGE inserted.
 */
export function silverTicksTable(featureNames: readonly string[]): TableDefinition<SilverTickRow> {
  return {
    name: 'silver.ticks',
    path: 'silver/ticks',
    columns: [
      ...BASE_COLUMNS,
      ...featureNames.map((name): ColumnSpec => ({ name: `f_${name}`, kind: 'f64', nullable: true })),
      { name: 'refined_time', kind: 'timestamp_us', nullable: false },
      { name: 'event_date', kind: 'utf8', nullable: false },
    ],
    partitionColumns: ['event_date'],
    properties: { ...RETENTION_PROPERTIES, 'delta.enableChangeDataFeed': 'true' },
    toColumns: (r) => [
      r.eventId,
      r.symbol,
      r.eventTimeUs,
      r.price,
      r.volume,
      r.tradeId,
      r.exchange,
      r.source,
      r.bronzeVersion,
      r.bronzeSeq,
      r.lateStatus,
      r.featureVersion,
      ...featureNames.map((_, i) => r.features?.[i] ?? null),
      r.refinedTimeUs,
      utcDateOf(r.eventTimeUs),
    ],
  };
}

export interface SilverRejectRow {
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: number;
  readonly source: string;
  readonly bronzeVersion: bigint;
  /** Every failing rule, comma-separated stable codes, and their messages. */
  readonly reasonCodes: string;
  readonly reasonMessages: string;
  /** Bronze's source position, so every Bronze row can be accounted for. */
  readonly kafkaTopic: string | null;
  readonly kafkaPartition: number | null;
  readonly kafkaOffset: bigint | null;
  readonly fileRecord: bigint | null;
  readonly refinedTimeUs: bigint;
}

/** `silver.quarantine`: Bronze rows that failed Silver's validation, kept with every reason. */
export const SILVER_QUARANTINE: TableDefinition<SilverRejectRow> = {
  name: 'silver.quarantine',
  path: 'silver/quarantine',
  columns: [
    { name: 'symbol', kind: 'utf8', nullable: false },
    { name: 'event_time', kind: 'timestamp_us', nullable: false },
    { name: 'price', kind: 'f64', nullable: false },
    { name: 'volume', kind: 'f64', nullable: false },
    { name: 'source', kind: 'utf8', nullable: false },
    { name: 'bronze_version', kind: 'i64', nullable: false },
    { name: 'reason_codes', kind: 'utf8', nullable: false },
    { name: 'reason_messages', kind: 'utf8', nullable: false },
    { name: 'kafka_topic', kind: 'utf8', nullable: true },
    { name: 'kafka_partition', kind: 'i32', nullable: true },
    { name: 'kafka_offset', kind: 'i64', nullable: true },
    { name: 'file_record', kind: 'i64', nullable: true },
    { name: 'refined_time', kind: 'timestamp_us', nullable: false },
    { name: 'event_date', kind: 'utf8', nullable: false },
  ],
  partitionColumns: ['event_date'],
  properties: RETENTION_PROPERTIES,
  toColumns: (r) => [
    r.symbol,
    r.eventTimeUs,
    r.price,
    r.volume,
    r.source,
    r.bronzeVersion,
    r.reasonCodes,
    r.reasonMessages,
    r.kafkaTopic,
    r.kafkaPartition,
    r.kafkaOffset,
    r.fileRecord,
    r.refinedTimeUs,
    utcDateOf(r.eventTimeUs),
  ],
};
