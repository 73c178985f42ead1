import type {
  CommitOptions as NativeCommitOptions,
  WriteOptions as NativeWriteOptions,
} from '../native/native.js';

/**
 * An application transaction recorded atomically with a commit: the basis of exactly-once ingestion.
 * A Kafka consumer commits `{ appId: '<group>:<topic>:<partition>', version: nextOffset }` with the data,
 * and on restart resumes from {@link DeltaTable.txnVersion} instead of its broker-side offset.
 */
export interface Txn {
  /** The application's id; one id per independent stream of commits. */
  readonly appId: string;
  /** The application's monotonic version, e.g. the next offset to consume. */
  readonly version: number;
}

/** Options every committing operation accepts. */
export interface CommitOptions {
  /** Application transactions committed with the operation. */
  readonly txns?: readonly Txn[];
  /** Key/values recorded in the commit info (visible in {@link DeltaTable.history}). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** How often to retry a commit that lost a race before throwing `COMMIT_CONFLICT` (delta-rs default: 15). */
  readonly maxRetries?: number;
  /**
   * The version the caller's decision was based on, e.g. where it read its stored offsets with
   * {@link DeltaTable.txnVersion}. The commit is checked against every commit since, so another writer having
   * recorded a transaction for one of the same app ids makes it fail with `COMMIT_CONFLICT`
   * (`ConcurrentTransaction`) instead of both covering the same input. Default: the latest version.
   */
  readonly readVersion?: number;
}

/** Options of {@link DeltaTable.append}. */
export interface AppendOptions extends CommitOptions {
  /** `merge`: add columns of the data that the table lacks. Without it a schema difference is a `SCHEMA_MISMATCH`. */
  readonly schemaMode?: 'merge';
  /** Target size of written files, in bytes. */
  readonly targetFileSize?: number;
}

/** Options of {@link DeltaTable.overwrite}. */
export interface OverwriteOptions extends CommitOptions {
  /** `merge` adds new columns; `overwrite` replaces the schema with the data's. */
  readonly schemaMode?: 'merge' | 'overwrite';
  /** Replace only the rows matching this SQL predicate (e.g. `date = '2024-01-02'`); the rest stay. */
  readonly replaceWhere?: string;
  /** Target size of written files, in bytes. */
  readonly targetFileSize?: number;
}

/** What {@link DeltaTable.append} and {@link DeltaTable.overwrite} return. */
export interface WriteResult {
  /** The committed version. */
  readonly version: number;
  /** Rows in the written data. */
  readonly rowsWritten: number;
}

/** Options of {@link DeltaTable.update}. */
export interface UpdateOptions extends CommitOptions {
  /** Column name → SQL expression over the row, e.g. `{ price: 'price * 2' }`. */
  readonly set: Readonly<Record<string, string>>;
  /** Only rows matching this SQL predicate (all rows when absent). */
  readonly predicate?: string;
}

/** What {@link DeltaTable.delete} returns. */
export interface DeleteResult {
  /** The committed version. */
  readonly version: number;
  /** Rows deleted, when delta-rs could count them. */
  readonly numDeletedRows?: number;
  /** Files written while rewriting partially deleted files. */
  readonly numAddedFiles: number;
  /** Files removed. */
  readonly numRemovedFiles: number;
}

/** What {@link DeltaTable.update} returns. */
export interface UpdateResult {
  /** The committed version. */
  readonly version: number;
  /** Rows updated. */
  readonly numUpdatedRows: number;
  /** Rows copied unchanged into rewritten files. */
  readonly numCopiedRows: number;
  /** Files written. */
  readonly numAddedFiles: number;
  /** Files removed. */
  readonly numRemovedFiles: number;
}

/** Converts the TS commit options into the native shape. */
export function toNativeCommit(options: CommitOptions | undefined): NativeCommitOptions | undefined {
  if (options === undefined) return undefined;
  return {
    txns: options.txns?.map(({ appId, version }) => ({ appId, version })),
    metadata: options.metadata === undefined ? undefined : { ...options.metadata },
    maxRetries: options.maxRetries,
    readVersion: options.readVersion,
  };
}

/** Converts append/overwrite options into the native write options. */
export function toNativeWrite(
  mode: 'append' | 'overwrite',
  options: AppendOptions | OverwriteOptions | undefined,
): NativeWriteOptions {
  return {
    mode,
    schemaMode: options?.schemaMode,
    replaceWhere: options !== undefined && 'replaceWhere' in options ? options.replaceWhere : undefined,
    targetFileSize: options?.targetFileSize,
    commit: toNativeCommit(options),
  };
}
