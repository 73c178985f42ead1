import { type Table, tableToIPC } from 'apache-arrow';
import { arrowSchemaOf, ColumnarBatchBuilder, type ColumnSpec } from './columnar-builder';

/** A lake table as the code knows it: where it lives, its columns, partitioning and Delta table properties. */
export interface TableDefinition<Row extends object> {
  /** Logical name, `layer.table`, used in logs, metrics and `lake.commits`. */
  readonly name: string;
  /** Path under the lake root (a directory locally, a key prefix in an object store). */
  readonly path: string;
  readonly columns: readonly ColumnSpec[];
  readonly partitionColumns: readonly string[];
  /** Delta table properties set at creation (`delta.*`). */
  readonly properties: Readonly<Record<string, string>>;
  /** A row's values in column order. */
  readonly toColumns: (row: Row) => readonly unknown[];
}

/**
 * How long the log and removed files are kept: the time-travel window every table offers (30 days of history, files
 * of the last 7 days restorable). The maintainer's VACUUM never goes below it. Writers never clean up expired log
 * entries on their own checkpoint commits (a hot-path cost): the maintainer does it on schedule.
 */
export const RETENTION_PROPERTIES: Readonly<Record<string, string>> = {
  'delta.logRetentionDuration': 'interval 30 days',
  'delta.deletedFileRetentionDuration': 'interval 7 days',
  'delta.enableExpiredLogCleanup': 'false',
};

/** Any table definition, whatever its row type: for operations that do not touch rows. */
export type AnyTable = TableDefinition<never>;

/** One Arrow table holding `rows`, with exactly the definition's schema. */
export function toArrow<Row extends object>(definition: TableDefinition<Row>, rows: Iterable<Row>): Table {
  const builder = new ColumnarBatchBuilder<Row>(definition.columns, definition.toColumns);
  for (const row of rows) builder.append(row);
  return builder.finish();
}

/** `rows` as one Arrow IPC stream with the definition's schema: what a commit of them adds, for handing over. */
export function toArrowIpc<Row extends object>(
  definition: TableDefinition<Row>,
  rows: Iterable<Row>,
): Uint8Array {
  return tableToIPC(toArrow(definition, rows), 'stream');
}

export function schemaOf(definition: AnyTable): ReturnType<typeof arrowSchemaOf> {
  return arrowSchemaOf(definition.columns);
}

/** Joins a lake root (path or URI) and a table path. */
export function tableUri(lakeRoot: string, definition: Pick<AnyTable, 'path'>): string {
  return `${lakeRoot.replace(/\/+$/, '')}/${definition.path}`;
}

const MICROS_PER_MILLI = 1000n;

/** `YYYY-MM-DD` of an instant in UTC microseconds: the date partition value of every time-partitioned table. */
export function utcDateOf(epochMicros: bigint): string {
  return new Date(Number(epochMicros / MICROS_PER_MILLI)).toISOString().slice(0, 10);
}
