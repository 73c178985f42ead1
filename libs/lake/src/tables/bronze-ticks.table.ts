import { type RawTick } from '@lakehouse/domain';
import { type ColumnSpec } from '../columnar-builder';
import { RETENTION_PROPERTIES, type TableDefinition, utcDateOf } from '../table-definition';

/** Where a Bronze row came from: a Kafka record, or a record of a historical file. */
export type BronzeSource =
  | { readonly kind: 'live'; readonly topic: string; readonly partition: number; readonly offset: bigint }
  | { readonly kind: 'batch'; readonly fileId: string; readonly record: number; readonly line: number };

export interface BronzeTickRow {
  readonly tick: RawTick;
  /** The payload exactly as it arrived (valid UTF-8: invalid bytes are quarantined instead). */
  readonly rawPayload: string;
  readonly ingestTimeUs: bigint;
  readonly source: BronzeSource;
}

/** `live` or `batch:<file sha-256>`: the `source` column. */
export function sourceLabel(source: BronzeSource): string {
  return source.kind === 'live' ? 'live' : `batch:${source.fileId}`;
}

/** The columns that say where a Bronze or quarantine row came from, in every table that keeps them. */
export const SOURCE_POSITION_COLUMNS: readonly ColumnSpec[] = [
  { name: 'source', kind: 'utf8', nullable: false },
  { name: 'kafka_topic', kind: 'utf8', nullable: true },
  { name: 'kafka_partition', kind: 'i32', nullable: true },
  { name: 'kafka_offset', kind: 'i64', nullable: true },
  { name: 'file_record', kind: 'i64', nullable: true },
  { name: 'file_line', kind: 'i64', nullable: true },
];

/** Values of {@link SOURCE_POSITION_COLUMNS}, in order. */
export function sourcePositionValues(source: BronzeSource): readonly unknown[] {
  const live = source.kind === 'live' ? source : undefined;
  const batch = source.kind === 'batch' ? source : undefined;
  return [
    sourceLabel(source),
    live?.topic ?? null,
    live?.partition ?? null,
    live?.offset ?? null,
    batch === undefined ? null : BigInt(batch.record),
    batch === undefined ? null : BigInt(batch.line),
  ];
}

/**
 * `bronze.ticks`: every representable tick as it arrived, exactly once per source position
 * (Kafka topic/partition/offset, or file id + record index). Partitioned by event date.
 * Change data feed is on: the refiner reads the rows each Bronze version added.
 */
export const BRONZE_TICKS: TableDefinition<BronzeTickRow> = {
  name: 'bronze.ticks',
  path: 'bronze/ticks',
  columns: [
    { name: 'schema_version', kind: 'i32', nullable: false },
    { name: 'symbol', kind: 'utf8', nullable: false },
    { name: 'price', kind: 'f64', nullable: false },
    { name: 'volume', kind: 'f64', nullable: false },
    { name: 'event_time', kind: 'timestamp_us', nullable: false },
    { name: 'trade_id', kind: 'utf8', nullable: true },
    { name: 'bid', kind: 'f64', nullable: true },
    { name: 'ask', kind: 'f64', nullable: true },
    { name: 'exchange', kind: 'utf8', nullable: true },
    { name: 'raw_payload', kind: 'utf8', nullable: false },
    { name: 'ingest_time', kind: 'timestamp_us', nullable: false },
    ...SOURCE_POSITION_COLUMNS,
    { name: 'event_date', kind: 'utf8', nullable: false },
  ],
  partitionColumns: ['event_date'],
  properties: {
    ...RETENTION_PROPERTIES,
    'delta.enableChangeDataFeed': 'true',
    'delta.checkpointInterval': '100',
  },
  toColumns: ({ tick, rawPayload, ingestTimeUs, source }) => [
    tick.schemaVersion,
    tick.symbol,
    tick.price,
    tick.volume,
    tick.eventTimeUs,
    tick.tradeId ?? null,
    tick.bid ?? null,
    tick.ask ?? null,
    tick.exchange ?? null,
    rawPayload,
    ingestTimeUs,
    ...sourcePositionValues(source),
    utcDateOf(tick.eventTimeUs),
  ],
};
