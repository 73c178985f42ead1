import {
  type AppTransaction,
  type CommitOptions,
  type CommitResult,
  Lake,
  LakeError,
  type MergeOutcome,
  type MergeSpec,
  type TransactionSnapshot,
} from './lake.port';
import { makeVector, Table as ArrowTable } from 'apache-arrow';
import { type AnyTable, type TableDefinition, toArrow } from './table-definition';

interface MemoryTable {
  version: bigint;
  rows: object[];
  /** The version that added each row, in `rows` order: the fake's change data feed. */
  addedAt: bigint[];
  txns: Map<string, bigint>;
  /** The table version that last recorded each app id: what a commit's `readVersion` is checked against. */
  txnSetAt: Map<string, bigint>;
}

/** The lake in memory, for unit tests: atomic appends, txn versions, and injectable commit conflicts. */
export class InMemoryLake extends Lake {
  private readonly tables = new Map<string, MemoryTable>();
  private conflictsToInject = 0;

  /** The next `count` appends fail with `COMMIT_CONFLICT` without writing anything. */
  injectConflicts(count: number): void {
    this.conflictsToInject = count;
  }

  rowsOf<Row extends object>(table: TableDefinition<Row>): readonly Row[] {
    return (this.tables.get(table.name)?.rows ?? []) as Row[];
  }

  ensureTable(table: AnyTable): Promise<void> {
    if (!this.tables.has(table.name))
      this.tables.set(table.name, {
        version: 0n,
        rows: [],
        addedAt: [],
        txns: new Map(),
        txnSetAt: new Map(),
      });
    return Promise.resolve();
  }

  append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
    options: CommitOptions = {},
  ): Promise<CommitResult> {
    const state = this.tables.get(table.name);
    if (!state) return Promise.reject(new LakeError('TABLE_NOT_FOUND', `no table ${table.name}`));
    const refused = this.refusal(table.name, state, txns, options);
    if (refused) return Promise.reject(refused);
    state.rows.push(...rows);
    this.record(state, txns);
    state.addedAt.push(...rows.map(() => state.version));
    return Promise.resolve({ version: state.version });
  }

  /** Injected conflicts first; then what Delta's conflict checker does for transactions since `readVersion`. */
  private refusal(
    name: string,
    state: MemoryTable,
    txns: readonly AppTransaction[],
    options: CommitOptions,
  ): LakeError | undefined {
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      return new LakeError('COMMIT_CONFLICT', `injected conflict on ${name}`);
    }
    const read = options.readVersion;
    if (read === undefined) return undefined;
    const raced = txns.find((t) => (state.txnSetAt.get(t.appId) ?? -1n) > read);
    return raced
      ? new LakeError('COMMIT_CONFLICT', `${raced.appId} was committed after version ${read}`)
      : undefined;
  }

  private record(state: MemoryTable, txns: readonly AppTransaction[]): void {
    state.version += 1n;
    for (const txn of txns) {
      state.txns.set(txn.appId, txn.version);
      state.txnSetAt.set(txn.appId, state.version);
    }
  }

  merge<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    spec: MergeSpec,
    txns: readonly AppTransaction[],
    options: CommitOptions = {},
  ): Promise<MergeOutcome> {
    const state = this.tables.get(table.name);
    if (!state) return Promise.reject(new LakeError('TABLE_NOT_FOUND', `no table ${table.name}`));
    const refused = this.refusal(table.name, state, txns, options);
    if (refused) return Promise.reject(refused);
    const keyOf = (row: object): string => {
      const values = table.toColumns(row as Row);
      return JSON.stringify(
        spec.keys.map((k) => String(values[table.columns.findIndex((c) => c.name === k)])),
      );
    };
    const index = new Map(state.rows.map((row, i) => [keyOf(row), i]));
    let inserted = 0;
    let updated = 0;
    for (const row of rows) {
      const at = index.get(keyOf(row));
      if (at === undefined) {
        if (spec.whenNotMatched === 'insert') {
          index.set(keyOf(row), state.rows.length);
          state.rows.push(row);
          state.addedAt.push(state.version + 1n);
          inserted += 1;
        }
      } else if (spec.whenMatched !== 'ignore') {
        const merged: Record<string, unknown> = { ...(state.rows[at] as Record<string, unknown>) };
        for (const column of spec.whenMatched.update)
          merged[column] = (row as Record<string, unknown>)[column];
        state.rows[at] = merged;
        updated += 1;
      }
    }
    this.record(state, txns);
    return Promise.resolve({ version: state.version, inserted, updated });
  }

  changes(table: AnyTable, afterVersion: bigint, toVersion?: bigint): Promise<ArrowTable> {
    const state = this.tables.get(table.name);
    if (!state) return Promise.reject(new LakeError('TABLE_NOT_FOUND', `no table ${table.name}`));
    const upTo = toVersion ?? state.version;
    const picked = state.rows.flatMap((row, i) => {
      const version = state.addedAt[i]!;
      return version > afterVersion && version <= upTo ? [{ row, version }] : [];
    });
    const data = toArrow(
      table as TableDefinition<object>,
      picked.map((p) => p.row),
    );
    const versions = makeVector(BigInt64Array.from(picked.map((p) => p.version)));
    return Promise.resolve(
      new ArrowTable({
        ...Object.fromEntries(data.schema.fields.map((f) => [f.name, data.getChild(f.name)!])),
        _commit_version: versions,
      }),
    );
  }

  transactionVersions(table: AnyTable, appIds: readonly string[]): Promise<TransactionSnapshot> {
    const state = this.tables.get(table.name);
    return Promise.resolve({
      readVersion: state?.version,
      versions: new Map(appIds.map((id) => [id, state?.txns.get(id)])),
    });
  }

  latestVersion(table: AnyTable): Promise<bigint | undefined> {
    return Promise.resolve(this.tables.get(table.name)?.version);
  }
}
