import { SqlSession } from '@lakehouse/delta';
import { type Lake, type MaintenanceRunRow, OPS_MAINTENANCE_RUNS } from '@lakehouse/lake';
import { type LakeTables } from '../tables/lake-tables';

/** The latest run of one (table, operation), and its latest successful one. */
export interface LastRun {
  readonly table: string;
  readonly operation: string;
  readonly lastRunMs: number;
  readonly lastSuccessMs: number | undefined;
}

const MICROS_PER_MS = 1000n;
/** Results after which an operation counts as done for its schedule (a dry run or a no-op skip did its job too). */
const SUCCESS_RESULTS = "('ok', 'dry_run', 'skipped')";

/**
 * `ops.maintenance_runs`: every run appended as it ends; the schedule's memory of when each operation last ran,
 * so a restarted maintainer does not redo work that is not due.
 */
export class MaintenanceRunsStore {
  private ensured = false;

  constructor(
    private readonly lake: Lake,
    private readonly tables: LakeTables,
  ) {}

  async record(rows: readonly MaintenanceRunRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.ensured) {
      await this.lake.ensureTable(OPS_MAINTENANCE_RUNS);
      this.ensured = true;
    }
    await this.lake.append(OPS_MAINTENANCE_RUNS, rows, []);
  }

  /** Latest run and latest success per (table, operation), from the table. Empty before the first run. */
  async lastRuns(): Promise<LastRun[]> {
    const table = await this.tables.open(OPS_MAINTENANCE_RUNS);
    if (table === undefined) return [];
    const session = SqlSession.create();
    await session.register('runs', table);
    const result = await session.sql(
      'SELECT table_name, operation, CAST(max(started_at) AS BIGINT) AS last_run, ' +
        `CAST(max(CASE WHEN result IN ${SUCCESS_RESULTS} THEN started_at END) AS BIGINT) AS last_success ` +
        'FROM runs GROUP BY table_name, operation',
    );
    const out: LastRun[] = [];
    for (const row of result.toArray() as Array<{ toJSON(): Record<string, unknown> }>) {
      const r = row.toJSON();
      const lastRun = r.last_run as bigint | null;
      const lastSuccess = r.last_success as bigint | null;
      if (lastRun === null) continue;
      out.push({
        table: String(r.table_name),
        operation: String(r.operation),
        lastRunMs: Number(lastRun / MICROS_PER_MS),
        lastSuccessMs: lastSuccess === null ? undefined : Number(lastSuccess / MICROS_PER_MS),
      });
    }
    return out;
  }
}
