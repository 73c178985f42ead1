import { type MaintenanceRunRow } from '@lakehouse/lake';
import { type LakeTables } from '../tables/lake-tables';
import { type MaintainedTable } from '../tables/maintained-tables';
import { type LastRun, type MaintenanceRunsStore } from './maintenance-runs.store';
import { type TableStats } from './table-stats';
import { type TableUpkeep, type UpkeepRequest } from './table-upkeep';
import {
  type DueTask,
  dueTasks,
  nextRuns,
  type UpkeepIntervals,
  type UpkeepOperation,
} from './upkeep-schedule';

/** What a run or a stats refresh tells whoever exports metrics. */
export interface UpkeepObserver {
  onRun(row: MaintenanceRunRow, endedMs: number): void;
  onStats(table: string, version: number, stats: TableStats): void;
}

/** One line of the dry-run plan: what the next pass would do to a table, and when. */
export interface PlannedTask extends DueTask {
  readonly due: boolean;
  /** What the operation would do now: the compaction plan, the files a VACUUM would delete, … */
  readonly preview: string;
}

const key = (table: string, operation: string): string => `${table}/${operation}`;

/**
 * Runs due upkeep one operation at a time (the machine's cores are shared with the writers), records each run in
 * `ops.maintenance_runs`, and remembers when each (table, operation) last ran for the schedule.
 */
export class UpkeepRunner {
  private readonly lastRun = new Map<string, number>();
  private readonly lastSuccess = new Map<string, number>();

  constructor(
    private readonly tables: readonly MaintainedTable[],
    private readonly lake: LakeTables,
    private readonly upkeep: TableUpkeep,
    private readonly store: MaintenanceRunsStore,
    private readonly intervals: UpkeepIntervals,
    private readonly observer?: UpkeepObserver,
  ) {}

  /** Loads the last runs recorded by earlier processes. */
  async init(): Promise<void> {
    for (const run of await this.store.lastRuns()) this.remember(run);
  }

  /** Latest successful run of (table, operation), ms since the epoch. */
  lastSuccessOf(table: string, operation: string): number | undefined {
    return this.lastSuccess.get(key(table, operation));
  }

  /** Every (table, operation) with a successful run. */
  successes(): ReadonlyArray<readonly [string, string, number]> {
    return [...this.lastSuccess.entries()].map(([k, ms]) => {
      const [table = '', operation = ''] = k.split('/');
      return [table, operation, ms] as const;
    });
  }

  due(nowMs: number): DueTask[] {
    return dueTasks(this.tables, this.intervals, (t, o) => this.lastRun.get(key(t, o)), nowMs);
  }

  /**
   * Runs what is due at `nowMs()` until done or `shouldStop()`. Tables that do not exist yet are passed over (and
   * stay due). Returns the recorded runs.
   */
  async runDue(nowMs: () => number, shouldStop: () => boolean = () => false): Promise<MaintenanceRunRow[]> {
    const rows: MaintenanceRunRow[] = [];
    for (const task of this.due(nowMs())) {
      if (shouldStop()) break;
      const row = await this.runOne(task.table, { operation: task.operation }, nowMs);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /** Runs one operation on one table now and records it; `undefined` when the table does not exist. */
  async runOne(
    tableName: string,
    request: UpkeepRequest,
    nowMs: () => number,
  ): Promise<MaintenanceRunRow | undefined> {
    const target = this.target(tableName);
    const table = await this.lake.open(target);
    if (table === undefined) return undefined;
    const row = await this.upkeep.run(table, target, request);
    await this.store.record([row]);
    const ended = nowMs();
    this.remember({
      table: row.tableName,
      operation: row.operation,
      lastRunMs: ended,
      lastSuccessMs: row.result === 'failed' || row.result === 'refused' ? undefined : ended,
    });
    this.observer?.onRun(row, ended);
    return row;
  }

  /** Refreshes version and file stats of every existing table (for metrics and `tables`). */
  async refreshStats(): Promise<Array<{ table: MaintainedTable; version: number; stats: TableStats }>> {
    const out: Array<{ table: MaintainedTable; version: number; stats: TableStats }> = [];
    for (const target of this.tables) {
      const table = await this.lake.open(target);
      if (table === undefined) continue;
      const version = await table.version();
      const stats = await this.upkeep.stats(table, target);
      this.observer?.onStats(target.name, version, stats);
      out.push({ table: target, version, stats });
    }
    return out;
  }

  /**
   * The next pass, without changing anything: every scheduled (table, operation) with when it is due and what it
   * would do now (compaction plan, VACUUM dry-run count at the scheduled retention, checkpoint version).
   */
  async plan(nowMs: number): Promise<PlannedTask[]> {
    const planned: PlannedTask[] = [];
    const exists = new Map<string, boolean>();
    for (const task of nextRuns(this.tables, this.intervals, (t, o) => this.lastRun.get(key(t, o)), nowMs)) {
      if (!exists.has(task.table)) {
        exists.set(task.table, (await this.lake.open(this.target(task.table))) !== undefined);
      }
      // A table that does not exist yet gets no upkeep, so it has no plan either.
      if (exists.get(task.table) !== true) continue;
      planned.push({
        ...task,
        due: task.dueAtMs <= nowMs,
        preview: await this.preview(task.table, task.operation),
      });
    }
    return planned;
  }

  private async preview(tableName: string, operation: UpkeepOperation): Promise<string> {
    const target = this.target(tableName);
    const table = await this.lake.open(target);
    if (table === undefined) return 'table does not exist yet';
    switch (operation) {
      case 'optimize':
      case 'optimize_open':
      case 'zorder':
      case 'checkpoint':
      case 'log_cleanup':
        return this.upkeep.preview(table, target, operation);
      case 'vacuum':
      case 'vacuum_full': {
        const row = await this.upkeep.run(table, target, { operation, dryRun: true });
        return row.result === 'dry_run'
          ? `would delete ${row.filesDeleted ?? 0n} file(s) at ${row.retentionHours ?? '?'} h retention`
          : `${row.result}: ${row.error ?? ''}`;
      }
    }
  }

  private target(name: string): MaintainedTable {
    const found = this.tables.find((t) => t.name === name);
    if (found === undefined) {
      throw new Error(`unknown table '${name}'; known: ${this.tables.map((t) => t.name).join(', ')}`);
    }
    return found;
  }

  private remember(run: LastRun): void {
    const k = key(run.table, run.operation);
    this.lastRun.set(k, Math.max(this.lastRun.get(k) ?? 0, run.lastRunMs));
    if (run.lastSuccessMs !== undefined) {
      this.lastSuccess.set(k, Math.max(this.lastSuccess.get(k) ?? 0, run.lastSuccessMs));
    }
  }
}
