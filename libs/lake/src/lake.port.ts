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

  /** The latest recorded version of each app id, `undefined` for an id never recorded; read from the latest table version. */
  abstract transactionVersions(
    table: AnyTable,
    appIds: readonly string[],
  ): Promise<ReadonlyMap<string, bigint | undefined>>;

  /** The table's latest version, or `undefined` before its first commit. */
  abstract latestVersion(table: AnyTable): Promise<bigint | undefined>;
}
