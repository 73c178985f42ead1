import { type Table as ArrowTable } from 'apache-arrow';
import { DeltaError, DeltaTable, type StorageOptions } from '@lakehouse/delta';
import {
  type AppTransaction,
  type CommitOptions,
  type CommitResult,
  Lake,
  LakeError,
  type LakeErrorCode,
  type MergeOutcome,
  type MergeSpec,
  type TransactionSnapshot,
} from './lake.port';
import { type AnyTable, schemaOf, type TableDefinition, tableUri, toArrow } from './table-definition';

const SOURCE = 'source';
const TARGET = 'target';

/** The lake on Delta tables, through `@lakehouse/delta` (delta-rs). One open handle per table, reused. */
export class DeltaLake extends Lake {
  private readonly handles = new Map<string, Promise<DeltaTable>>();

  constructor(
    private readonly root: string,
    private readonly storageOptions: StorageOptions = {},
  ) {
    super();
  }

  /** Where a table lives under this lake's root. */
  uriOf(table: Pick<AnyTable, 'path'>): string {
    return tableUri(this.root, table);
  }

  async ensureTable(table: AnyTable): Promise<void> {
    await guard(async () => {
      await DeltaTable.create(this.uriOf(table), schemaOf(table), {
        storageOptions: this.storageOptions,
        partitionBy: table.partitionColumns,
        properties: table.properties,
        name: table.name,
        ifExists: 'ignore',
      });
    });
  }

  async append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
    options: CommitOptions = {},
  ): Promise<CommitResult> {
    return guard(async () => {
      const delta = await this.handle(table);
      const result = await delta.append(toArrow(table, rows), {
        txns: txns.map(toTxn),
        ...readVersionOf(options),
      });
      return { version: BigInt(result.version) };
    });
  }

  async merge<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    spec: MergeSpec,
    txns: readonly AppTransaction[],
    options: CommitOptions = {},
  ): Promise<MergeOutcome> {
    return guard(async () => {
      const delta = await this.handle(table);
      const source = toArrow(table, rows);
      const result = await delta.merge(source, {
        predicate: mergePredicate(spec, partitionValues(source, spec.partitionColumn)),
        sourceAlias: SOURCE,
        targetAlias: TARGET,
        whenMatched:
          spec.whenMatched === 'ignore'
            ? []
            : [
                {
                  update: Object.fromEntries(
                    spec.whenMatched.update.map((c) => [c, `${SOURCE}.${quote(c)}`]),
                  ),
                },
              ],
        whenNotMatched: spec.whenNotMatched === 'insert' ? [{ insertAll: true }] : [],
        txns: txns.map(toTxn),
        ...readVersionOf(options),
      });
      return {
        version: BigInt(result.version),
        inserted: result.numTargetRowsInserted,
        updated: result.numTargetRowsUpdated,
      };
    });
  }

  async transactionVersions(table: AnyTable, appIds: readonly string[]): Promise<TransactionSnapshot> {
    return guard(async () => {
      // Pin one version, so every app id is read from the same snapshot and that version is the read version.
      const latest = await (await this.handle(table)).latestVersion();
      const pinned = await DeltaTable.open(this.uriOf(table), {
        storageOptions: this.storageOptions,
        version: latest,
      });
      const versions = new Map<string, bigint | undefined>();
      for (const appId of appIds) {
        const version = await pinned.txnVersion(appId);
        versions.set(appId, version === undefined ? undefined : BigInt(version));
      }
      return { readVersion: BigInt(latest), versions };
    });
  }

  async changes(table: AnyTable, afterVersion: bigint, toVersion?: bigint): Promise<ArrowTable> {
    return guard(async () =>
      (await this.handle(table)).changes({
        afterVersion: Number(afterVersion),
        ...(toVersion === undefined ? {} : { toVersion: Number(toVersion) }),
      }),
    );
  }

  async latestVersion(table: AnyTable): Promise<bigint | undefined> {
    return guard(async () => {
      try {
        return BigInt(await (await this.handle(table)).latestVersion());
      } catch (error) {
        if (error instanceof DeltaError && error.code === 'TABLE_NOT_FOUND') {
          this.handles.delete(table.name);
          return undefined;
        }
        throw error;
      }
    });
  }

  /** The open handle of a table (opened once; delta handles follow later commits themselves). */
  handle(table: AnyTable): Promise<DeltaTable> {
    let handle = this.handles.get(table.name);
    if (!handle) {
      handle = DeltaTable.open(this.uriOf(table), { storageOptions: this.storageOptions });
      handle.catch(() => this.handles.delete(table.name));
      this.handles.set(table.name, handle);
    }
    return handle;
  }
}

function readVersionOf(options: CommitOptions): { readVersion?: number } {
  return options.readVersion === undefined ? {} : { readVersion: Number(options.readVersion) };
}

function toTxn(txn: AppTransaction): { appId: string; version: number } {
  if (txn.version > BigInt(Number.MAX_SAFE_INTEGER) || txn.version < 0n) {
    throw new LakeError('INVALID_ARGUMENT', `txn version ${txn.version} of ${txn.appId} is out of range`);
  }
  return { appId: txn.appId, version: Number(txn.version) };
}

/** SQL identifier quoting: column names are ours, but quoting keeps keywords like `source` safe. */
function quote(column: string): string {
  return `"${column.replaceAll('"', '""')}"`;
}

function partitionValues(source: ReturnType<typeof toArrow>, column: string | undefined): string[] {
  if (column === undefined) return [];
  const vector = source.getChild(column);
  const values = new Set<string>();
  if (vector) for (const v of vector) values.add(String(v));
  return [...values].sort();
}

/**
 * Beyond this many partition values the predicate names their range instead of each one, and drops the
 * `target.p = source.p` term: from that term delta-rs derives its own list of the source's partition values and
 * plans it recursively, which overflowed a worker thread's stack (SIGSEGV) at ~5,000 values (a 20-year daily history
 * in one Bronze commit; reproduced with a bare `DeltaTable.merge`); 1,000 worked. The keys still match rows exactly
 * (a key determines its partition), the range only widens the files read.
 */
export const MAX_PARTITION_LITERALS = 512;

/**
 * `target.k = source.k AND …`, plus `target.p = source.p AND target.p IN (<literals>)` so only touched partitions
 * are read, or, for more than {@link MAX_PARTITION_LITERALS} of them, `target.p BETWEEN` their least and greatest
 * (partition values compared as strings; ISO dates sort as dates).
 */
export function mergePredicate(spec: MergeSpec, partitions: readonly string[]): string {
  const keys = spec.keys.map((k) => `${TARGET}.${quote(k)} = ${SOURCE}.${quote(k)}`);
  if (spec.partitionColumn !== undefined) {
    const p = quote(spec.partitionColumn);
    const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;
    if (partitions.length > MAX_PARTITION_LITERALS) {
      const sorted = [...partitions].sort();
      keys.push(`${TARGET}.${p} BETWEEN ${literal(sorted[0]!)} AND ${literal(sorted[sorted.length - 1]!)}`);
    } else {
      keys.push(`${TARGET}.${p} = ${SOURCE}.${p}`);
      if (partitions.length > 0) keys.push(`${TARGET}.${p} IN (${partitions.map(literal).join(', ')})`);
    }
  }
  return keys.join(' AND ');
}

const CODES: Record<string, LakeErrorCode> = {
  COMMIT_CONFLICT: 'COMMIT_CONFLICT',
  TABLE_NOT_FOUND: 'TABLE_NOT_FOUND',
  SCHEMA_MISMATCH: 'SCHEMA_MISMATCH',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
};

/** Delta errors become lake errors with the same stable code (object-store and internal ones: `LAKE_IO`). */
async function guard<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof LakeError) throw error;
    if (error instanceof DeltaError)
      throw new LakeError(CODES[error.code] ?? 'LAKE_IO', error.message, { cause: error });
    throw error;
  }
}
