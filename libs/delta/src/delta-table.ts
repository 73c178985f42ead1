import { type Schema, Table } from 'apache-arrow';

import {
  createTable,
  openTable,
  type NativeTable,
  type WriteOptions as NativeWriteOptions,
} from '../native/native.js';
import { fromIpc, inputToIpc, schemaToIpc, type ArrowInput } from './arrow.js';
import { toColumnarTable } from './arrow-columns.js';
import type { ChangesRange } from './changes.js';
import { callNative, InvalidArgumentError } from './errors.js';
import {
  toNativeOptimize,
  toNativeVacuum,
  type OptimizeOptions,
  type OptimizeResult,
  type VacuumOptions,
  type VacuumResult,
} from './maintenance.js';
import { toNativeMerge, type MergeOptions, type MergeResult } from './merge.js';
import {
  toNativeCommit,
  toNativeWrite,
  type AppendOptions,
  type CommitOptions,
  type DeleteResult,
  type OverwriteOptions,
  type UpdateOptions,
  type UpdateResult,
  type WriteResult,
} from './write.js';

/** Object-store options: empty for local paths; `AWS_*` keys for S3-compatible stores (needs the `s3` build feature). */
export type StorageOptions = Readonly<Record<string, string>>;

/** Options of {@link DeltaTable.open}. */
export interface OpenOptions {
  /** Object-store options. */
  readonly storageOptions?: StorageOptions;
  /** Open this version (time travel); the handle is then read-only. */
  readonly version?: number;
  /** Open the latest version committed at or before this instant; the handle is then read-only. */
  readonly asOf?: Date;
}

/** Options of {@link DeltaTable.create}. */
export interface CreateOptions {
  /** Object-store options. */
  readonly storageOptions?: StorageOptions;
  /** Partition columns, in order. */
  readonly partitionBy?: readonly string[];
  /**
   * Table properties, e.g. `delta.checkpointInterval`, `delta.logRetentionDuration` (`interval 30 days`),
   * `delta.deletedFileRetentionDuration`, `delta.enableChangeDataFeed`.
   */
  readonly properties?: Readonly<Record<string, string>>;
  /** Table name stored in the metadata. */
  readonly name?: string;
  /** Table description stored in the metadata. */
  readonly description?: string;
  /** When a table already exists: throw `INVALID_ARGUMENT` (default), keep it, or replace it. */
  readonly ifExists?: 'error' | 'ignore' | 'overwrite';
}

/** Metadata of the loaded version. */
export interface TableMetadata {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  /** Creation time in ms since the epoch, if recorded. */
  readonly createdTime?: number;
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
}

/** One commit of {@link DeltaTable.history}. */
export interface CommitInfo {
  /** The version the commit produced. */
  readonly version: number;
  /** Commit time. */
  readonly timestamp?: Date;
  /** The operation, e.g. `CREATE TABLE`, `WRITE`, `MERGE`, `DELETE`, `OPTIMIZE`, `VACUUM END`. */
  readonly operation?: string;
  /** Operation parameters. */
  readonly operationParameters: Readonly<Record<string, unknown>>;
  /** Operation metrics, engine info, user metadata and other provenance. */
  readonly info: Readonly<Record<string, unknown>>;
  /** The version the writer read. */
  readonly readVersion?: number;
  /** Whether the commit was a blind append. */
  readonly isBlindAppend?: boolean;
}

/** Options of {@link DeltaTable.toArrow}. */
export interface ReadOptions {
  /** Columns to read (all by default). */
  readonly columns?: readonly string[];
  /** SQL predicate the rows must match, e.g. `symbol = 'AAPL' AND price > 10`. */
  readonly filter?: string;
}

function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (text === null || text === undefined) return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function undefinedIfNull<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/**
 * A Delta table. A handle opened normally follows the table: every operation first catches up with
 * commits made elsewhere. A handle opened at a version or instant ({@link DeltaTable.checkout}) is
 * pinned there and read-only. All methods are async and throw {@link DeltaError} subclasses.
 */
export class DeltaTable {
  private constructor(
    private readonly inner: NativeTable,
    /** The path or URL the table lives at. */
    readonly uri: string,
    private readonly storageOptions: StorageOptions,
  ) {}

  /** Opens the table at `uri` (a local path or URL). Throws `TABLE_NOT_FOUND` if there is none. */
  static async open(uri: string, options: OpenOptions = {}): Promise<DeltaTable> {
    const storageOptions = options.storageOptions ?? {};
    const inner = await callNative(() =>
      openTable(uri, {
        storageOptions: { ...storageOptions },
        version: options.version,
        timestampMs: options.asOf?.getTime(),
      }),
    );
    return new DeltaTable(inner, uri, storageOptions);
  }

  /** Creates a table (version 0) with `schema` at `uri`. */
  static async create(uri: string, schema: Schema, options: CreateOptions = {}): Promise<DeltaTable> {
    const storageOptions = options.storageOptions ?? {};
    const inner = await callNative(() =>
      createTable(uri, schemaToIpc(schema), {
        storageOptions: { ...storageOptions },
        partitionBy: options.partitionBy === undefined ? undefined : [...options.partitionBy],
        properties: options.properties === undefined ? undefined : { ...options.properties },
        name: options.name,
        description: options.description,
        ifExists: options.ifExists,
      }),
    );
    return new DeltaTable(inner, uri, storageOptions);
  }

  /** Where the table lives, for opening it elsewhere (e.g. registering it in a {@link SqlSession}). */
  location(): { readonly uri: string; readonly storageOptions: Record<string, string> } {
    return { uri: this.uri, storageOptions: { ...this.storageOptions } };
  }

  /** The version this handle has loaded. */
  async version(): Promise<number> {
    return callNative(() => this.inner.version());
  }

  /** The latest committed version, read from the log without loading it. */
  async latestVersion(): Promise<number> {
    return callNative(() => this.inner.latestVersion());
  }

  /** Catches up with the latest version (no-op for a pinned handle) and returns the loaded version. */
  async refresh(): Promise<number> {
    return callNative(() => this.inner.refresh());
  }

  /** Whether this handle is pinned to a past version. */
  async isPinned(): Promise<boolean> {
    return callNative(() => this.inner.isPinned());
  }

  /** A read-only handle on the same table at `version`, or at the latest version committed by `asOf`. */
  async checkout(at: { readonly version: number } | { readonly asOf: Date }): Promise<DeltaTable> {
    const inner = await callNative(() =>
      this.inner.checkout('version' in at ? { version: at.version } : { timestampMs: at.asOf.getTime() }),
    );
    return new DeltaTable(inner, this.uri, this.storageOptions);
  }

  /** The Arrow schema of the loaded version. */
  async schema(): Promise<Schema> {
    return fromIpc(await callNative(() => this.inner.schema())).schema;
  }

  /** Metadata of the loaded version: id, partition columns, properties, protocol. */
  async metadata(): Promise<TableMetadata> {
    const m = await callNative(() => this.inner.metadata());
    return {
      id: m.id,
      name: undefinedIfNull(m.name),
      description: undefinedIfNull(m.description),
      partitionColumns: m.partitionColumns,
      configuration: m.configuration,
      createdTime: undefinedIfNull(m.createdTime),
      minReaderVersion: m.minReaderVersion,
      minWriterVersion: m.minWriterVersion,
    };
  }

  /**
   * The active data files of the loaded version, one row each: `path`, `size_bytes`, `modification_time`,
   * `num_records`, `null_count.<col>`, `min.<col>`, `max.<col>`, `partition.<col>`.
   */
  async files(): Promise<Table> {
    return fromIpc(await callNative(() => this.inner.files()));
  }

  /** Commits, newest first; at most `limit` of them. */
  async history(limit?: number): Promise<CommitInfo[]> {
    const commits = await callNative(() => this.inner.history(limit));
    return commits.map((c) => ({
      version: c.version,
      timestamp: c.timestamp === null || c.timestamp === undefined ? undefined : new Date(c.timestamp),
      operation: undefinedIfNull(c.operation),
      operationParameters: parseJsonObject(c.operationParameters),
      info: parseJsonObject(c.info),
      readVersion: undefinedIfNull(c.readVersion),
      isBlindAppend: undefinedIfNull(c.isBlindAppend),
    }));
  }

  /** The latest version committed for application `appId` (see {@link Txn}), or `undefined` if none. */
  async txnVersion(appId: string): Promise<number | undefined> {
    return undefinedIfNull(await callNative(() => this.inner.txnVersion(appId)));
  }

  /** Reads the loaded version, optionally projected and filtered. */
  async toArrow(options: ReadOptions = {}): Promise<Table> {
    const columns = options.columns === undefined ? undefined : [...options.columns];
    return fromIpc(await callNative(() => this.inner.scan(columns, options.filter)));
  }

  /**
   * Appends rows in one commit, optionally carrying application transactions. Returns the new version.
   * An apache-arrow table of flat columns reaches the binding as its buffers, without an IPC copy: leave them
   * unchanged until the promise settles.
   */
  async append(data: ArrowInput, options?: AppendOptions): Promise<WriteResult> {
    return this.write(data, toNativeWrite('append', options));
  }

  /** Replaces the table's rows (or those matching `replaceWhere`) in one commit; data goes as in {@link append}. */
  async overwrite(data: ArrowInput, options?: OverwriteOptions): Promise<WriteResult> {
    return this.write(data, toNativeWrite('overwrite', options));
  }

  private async write(data: ArrowInput, options: NativeWriteOptions): Promise<WriteResult> {
    const columnar = data instanceof Table ? toColumnarTable(data) : undefined;
    if (columnar !== undefined) {
      return callNative(() => this.inner.writeColumns(columnar.schema, columnar.batches, options));
    }
    const ipc = inputToIpc(data);
    return callNative(() => this.inner.write(ipc, options));
  }

  /** Deletes rows matching a SQL predicate in one commit. Deleting everything needs `predicate: 'true'`. */
  async delete(predicate: string, options?: CommitOptions): Promise<DeleteResult> {
    if (predicate.trim() === '') throw new InvalidArgumentError('delete needs a predicate');
    const r = await callNative(() => this.inner.delete(predicate, toNativeCommit(options)));
    return { ...r, numDeletedRows: undefinedIfNull(r.numDeletedRows) };
  }

  /** Sets columns to SQL expressions on matching rows, in one commit. */
  async update(options: UpdateOptions): Promise<UpdateResult> {
    return callNative(() =>
      this.inner.update({ ...options.set }, options.predicate, toNativeCommit(options)),
    );
  }

  /**
   * MERGE `source` into the table in one commit. Put the partition column in `predicate` so delta-rs can
   * prune files. Returns delta-rs's merge metrics.
   */
  async merge(source: ArrowInput, options: MergeOptions): Promise<MergeResult> {
    const ipc = inputToIpc(source);
    return callNative(() => this.inner.merge(ipc, toNativeMerge(options)));
  }

  /**
   * Rows changed by the commits in `(afterVersion, toVersion]` with `_change_type`, `_commit_version` and
   * `_commit_timestamp` columns; appended rows have `_change_type = 'insert'`. Needs the table property
   * `delta.enableChangeDataFeed=true` (see {@link ENABLE_CHANGE_DATA_FEED}).
   */
  async changes(range: ChangesRange): Promise<Table> {
    return fromIpc(
      await callNative(() =>
        this.inner.changes({ afterVersion: range.afterVersion, toVersion: range.toVersion }),
      ),
    );
  }

  /** Deletes unreferenced data files older than the retention; time travel to versions needing them stops working. */
  async vacuum(options?: VacuumOptions): Promise<VacuumResult> {
    return callNative(() => this.inner.vacuum(toNativeVacuum(options)));
  }

  /** Compacts small files, or z-orders them by columns. */
  async optimize(options?: OptimizeOptions): Promise<OptimizeResult> {
    return callNative(() => this.inner.optimize(toNativeOptimize(options)));
  }

  /** Writes a checkpoint of the latest version and returns that version. */
  async createCheckpoint(): Promise<number> {
    return callNative(() => this.inner.createCheckpoint());
  }

  /** Deletes log files older than `delta.logRetentionDuration` that a checkpoint covers; returns how many. */
  async cleanupMetadata(): Promise<number> {
    return callNative(() => this.inner.cleanupMetadata());
  }
}
