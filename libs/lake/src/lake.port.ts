import { type AnyTable, type TableDefinition } from './table-definition';

/**
 * A Delta application transaction: "this commit covers `appId` up to `version`". Stored atomically with the rows,
 * it is how every stage records its input position inside its output (kafka-delta-ingest's design).
 */
export interface AppTransaction {
  readonly appId: string;
  readonly version: bigint;
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
   * Appends rows, and records `txns` in the same atomic commit. Rejects with code `COMMIT_CONFLICT` when a concurrent
   * commit recorded a transaction for one of the same app ids (another writer covered the same input).
   */
  abstract append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
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
  ): Promise<MergeOutcome>;

  /** The latest recorded version of each app id, `undefined` for an id never recorded; read from the latest table version. */
  abstract transactionVersions(
    table: AnyTable,
    appIds: readonly string[],
  ): Promise<ReadonlyMap<string, bigint | undefined>>;

  /** The table's latest version, or `undefined` before its first commit. */
  abstract latestVersion(table: AnyTable): Promise<bigint | undefined>;
}
