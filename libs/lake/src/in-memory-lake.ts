import { type AppTransaction, type CommitResult, Lake, LakeError } from './lake.port';
import { type AnyTable, type TableDefinition } from './table-definition';

interface MemoryTable {
  version: bigint;
  rows: object[];
  txns: Map<string, bigint>;
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
    if (!this.tables.has(table.name)) this.tables.set(table.name, { version: 0n, rows: [], txns: new Map() });
    return Promise.resolve();
  }

  append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
  ): Promise<CommitResult> {
    const state = this.tables.get(table.name);
    if (!state) return Promise.reject(new LakeError('TABLE_NOT_FOUND', `no table ${table.name}`));
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      return Promise.reject(new LakeError('COMMIT_CONFLICT', `injected conflict on ${table.name}`));
    }
    state.rows.push(...rows);
    for (const txn of txns) state.txns.set(txn.appId, txn.version);
    state.version += 1n;
    return Promise.resolve({ version: state.version });
  }

  transactionVersions(
    table: AnyTable,
    appIds: readonly string[],
  ): Promise<ReadonlyMap<string, bigint | undefined>> {
    const txns = this.tables.get(table.name)?.txns;
    return Promise.resolve(new Map(appIds.map((id) => [id, txns?.get(id)])));
  }

  latestVersion(table: AnyTable): Promise<bigint | undefined> {
    return Promise.resolve(this.tables.get(table.name)?.version);
  }
}
