import { type Table as ArrowTable } from 'apache-arrow';
import { type AnyTable, type TableDefinition } from './table-definition';

/**
 * A Delta application transaction: "this commit covers `appId` up to `version`". Stored atomically with the rows,
 * it is how every stage records its input position inside its output (kafka-delta-ingest's design).
 */
export interface AppTransaction {
  readonly appId: string;
  readonly version: bigint;
}

/**
 * Options of a commit. `readVersion` is the table version the writer's input positions were read at: the commit is
 * checked against every commit since then, so one that recorded a transaction for the same app id (another writer
 * covered the same input) makes this one fail with COMMIT_CONFLICT instead of silently doubling the input.
 */
export interface CommitOptions {
  readonly readVersion?: bigint;
}

/** Transaction versions of some app ids, and the table version they were read at. */
export interface TransactionSnapshot {
  /** The table version read; `undefined` for a table with no commit yet. */
  readonly readVersion: bigint | undefined;
  readonly versions: ReadonlyMap<string, bigint | undefined>;
}

export interface CommitResult {
  /** The table version this commit created. */
  readonly version: bigint;
}

/**
 * An upsert keyed by columns: how `Lake.merge` matches source rows to target rows and what it does with each.
 * Invariant for every table written this way: at most one row per key.
 */
export interface MergeSpec {
  /** Key columns: a source row matches the target row with equal values in all of them. */
  readonly keys: readonly string[];
  /**
   * A partition column present in both: the source's distinct values become literals in the predicate, so the merge
   * reads only those partitions however large the table grows.
   */
  readonly partitionColumn?: string;
  /** On a match: keep the target row as it is (deduplication), or set these columns from the source row. */
  readonly whenMatched: 'ignore' | { readonly update: readonly string[] };
  /** Source rows with no match are inserted. */
  readonly whenNotMatched: 'insert' | 'ignore';
}

export interface MergeOutcome extends CommitResult {
  readonly inserted: number;
  readonly updated: number;
}

/** Stable codes of the lake port's errors; the Delta adapter maps the binding's errors onto them. */
export type LakeErrorCode =
  'COMMIT_CONFLICT' | 'TABLE_NOT_FOUND' | 'SCHEMA_MISMATCH' | 'INVALID_ARGUMENT' | 'LAKE_IO';

export class LakeError extends Error {
  constructor(
    readonly code: LakeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LakeError';
  }
}

export function isCommitConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'COMMIT_CONFLICT';
}

/**
 * The lake as the stages use it: typed rows in, table definitions naming where they go. The Delta adapter turns rows
 * into Arrow and calls `@lakehouse/delta`; the in-memory fake keeps rows in arrays for unit tests.
 */
export abstract class Lake {
  /** Creates the table with its schema, partitioning and properties when it does not exist yet. */
  abstract ensureTable(table: AnyTable): Promise<void>;

  /**
   * Appends rows, and records `txns` in the same atomic commit. Rejects with code `COMMIT_CONFLICT` when a commit
   * after `options.readVersion` recorded a transaction for one of the same app ids (another writer covered the same
   * input). Without `readVersion` the commit is checked against the latest version only.
   */
  abstract append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
    options?: CommitOptions,
  ): Promise<CommitResult>;

  /**
   * MERGE of `rows` into the table by `spec`, with `txns` in the same atomic commit. Rows must be unique by key
   * (deduplicate within the batch first). Same conflict semantics as {@link append}.
   */
  abstract merge<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    spec: MergeSpec,
    txns: readonly AppTransaction[],
    options?: CommitOptions,
  ): Promise<MergeOutcome>;

  /**
   * The rows that commits `(afterVersion, toVersion]` added (the change data feed; the table must have
   * `delta.enableChangeDataFeed`), as Arrow, with `_commit_version`. `toVersion` defaults to the latest.
   */
  abstract changes(table: AnyTable, afterVersion: bigint, toVersion?: bigint): Promise<ArrowTable>;

  /** The latest recorded version of each app id (`undefined` if never recorded), read at the latest table version. */
  abstract transactionVersions(table: AnyTable, appIds: readonly string[]): Promise<TransactionSnapshot>;

  /** The table's latest version, or `undefined` before its first commit. */
  abstract latestVersion(table: AnyTable): Promise<bigint | undefined>;
}
