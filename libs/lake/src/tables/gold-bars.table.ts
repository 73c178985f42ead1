import { type MinuteBar } from '@lakehouse/domain';
import { type ColumnSpec } from '../columnar-builder';
import { type MergeSpec } from '../lake.port';
import { RETENTION_PROPERTIES, type TableDefinition, utcDateOf } from '../table-definition';

/** One `gold.bars_1m` row: a domain minute bar plus lineage. */
export interface GoldBarRow {
  readonly bar: MinuteBar;
  /** The `silver.ticks` version the bar was computed from. */
  readonly silverVersion: bigint;
  readonly updatedTimeUs: bigint;
}

const columns: readonly ColumnSpec[] = [
  { name: 'symbol', kind: 'utf8', nullable: false },
  { name: 'minute_start', kind: 'timestamp_us', nullable: false },
  { name: 'open', kind: 'f64', nullable: false },
  { name: 'high', kind: 'f64', nullable: false },
  { name: 'low', kind: 'f64', nullable: false },
  { name: 'close', kind: 'f64', nullable: false },
  { name: 'volume', kind: 'f64', nullable: false },
  { name: 'tick_count', kind: 'i64', nullable: false },
  { name: 'first_event_time', kind: 'timestamp_us', nullable: false },
  { name: 'last_event_time', kind: 'timestamp_us', nullable: false },
  { name: 'silver_version', kind: 'i64', nullable: false },
  { name: 'updated_time', kind: 'timestamp_us', nullable: false },
  { name: 'bar_date', kind: 'utf8', nullable: false },
];

/** `gold.bars_1m`: OHLCV per symbol per UTC minute, one row per (symbol, minute), from `silver.ticks`. */
export const GOLD_BARS_1M: TableDefinition<GoldBarRow> = {
  name: 'gold.bars_1m',
  path: 'gold/bars_1m',
  columns,
  partitionColumns: ['bar_date'],
  properties: RETENTION_PROPERTIES,
  toColumns: ({ bar, silverVersion, updatedTimeUs }) => [
    bar.symbol,
    bar.minuteStartUs,
    bar.open,
    bar.high,
    bar.low,
    bar.close,
    bar.volume,
    BigInt(bar.tickCount),
    bar.firstEventTimeUs,
    bar.lastEventTimeUs,
    silverVersion,
    updatedTimeUs,
    utcDateOf(bar.minuteStartUs),
  ],
};

/** Bars are recomputed whole from Silver, so a match takes every value of the new bar. */
export const GOLD_BARS_MERGE: MergeSpec = {
  keys: ['symbol', 'minute_start'],
  partitionColumn: 'bar_date',
  whenMatched: {
    update: columns.map((c) => c.name).filter((c) => !['symbol', 'minute_start', 'bar_date'].includes(c)),
  },
  whenNotMatched: 'insert',
};
