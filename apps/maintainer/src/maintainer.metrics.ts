import { type MaintenanceRunRow } from '@lakehouse/lake';
import { type PipelineMetrics } from '@lakehouse/platform';
import { type CheckResult } from '@lakehouse/verification';
import { Counter, Gauge } from 'prom-client';
import { type TableStats } from './upkeep/table-stats';
import { type UpkeepObserver } from './upkeep/upkeep-runner';

const MS_PER_SECOND = 1000;

/**
 * The maintainer's Prometheus metrics: table size and layout, runs and their last success per operation,
 * verification results, and the age of each table's last checkpoint (computed at scrape time).
 */
export class MaintainerMetrics implements UpkeepObserver {
  private readonly version: Gauge<'table'>;
  private readonly files: Gauge<'table'>;
  private readonly bytes: Gauge<'table'>;
  private readonly smallFiles: Gauge<'table'>;
  private readonly runs: Counter<'table' | 'operation' | 'result'>;
  private readonly lastSuccess: Gauge<'table' | 'operation'>;
  private readonly verificationOk: Gauge<'check' | 'table'>;
  private readonly verificationViolations: Gauge<'check' | 'table'>;
  private readonly lastCheckpointMs = new Map<string, number>();

  constructor(metrics: PipelineMetrics, nowMs: () => number) {
    const gauge = (name: string, help: string) =>
      metrics.register(new Gauge({ name, help, labelNames: ['table'], registers: [] }));
    this.version = gauge('lakehouse_table_version', 'Latest version of the table');
    this.files = gauge('lakehouse_table_files', 'Active data files of the latest version');
    this.bytes = gauge('lakehouse_table_bytes', 'Bytes of the active data files');
    this.smallFiles = gauge('lakehouse_table_small_files', 'Active data files below SMALL_FILE_BYTES');
    this.runs = metrics.register(
      new Counter({
        name: 'lakehouse_maintenance_runs_total',
        help: 'Maintenance runs by result (ok, dry_run, skipped, refused, failed)',
        labelNames: ['table', 'operation', 'result'],
        registers: [],
      }),
    );
    this.lastSuccess = metrics.register(
      new Gauge({
        name: 'lakehouse_maintenance_last_success_timestamp_seconds',
        help: 'When each operation last succeeded on each table',
        labelNames: ['table', 'operation'],
        registers: [],
      }),
    );
    this.verificationOk = metrics.register(
      new Gauge({
        name: 'lakehouse_verification_ok',
        help: '1 when the check passed (or was skipped) in the last verification, 0 when it failed',
        labelNames: ['check', 'table'],
        registers: [],
      }),
    );
    this.verificationViolations = metrics.register(
      new Gauge({
        name: 'lakehouse_verification_violations',
        help: 'Violations the check found in the last verification',
        labelNames: ['check', 'table'],
        registers: [],
      }),
    );
    const checkpoints = this.lastCheckpointMs;
    metrics.register(
      new Gauge({
        name: 'lakehouse_table_seconds_since_checkpoint',
        help: 'Seconds since the maintainer last wrote a checkpoint of the table',
        labelNames: ['table'],
        registers: [],
        collect() {
          for (const [table, ms] of checkpoints) this.set({ table }, (nowMs() - ms) / MS_PER_SECOND);
        },
      }),
    );
  }

  onStats(table: string, version: number, stats: TableStats): void {
    this.version.set({ table }, version);
    this.files.set({ table }, stats.files);
    this.bytes.set({ table }, stats.bytes);
    this.smallFiles.set({ table }, stats.smallFiles);
  }

  onRun(row: MaintenanceRunRow, endedMs: number): void {
    this.runs.inc({ table: row.tableName, operation: row.operation, result: row.result });
    if (row.result !== 'failed' && row.result !== 'refused')
      this.onSuccess(row.tableName, row.operation, endedMs);
  }

  /** A success known from `ops.maintenance_runs` (at boot) or just now. */
  onSuccess(table: string, operation: string, atMs: number): void {
    this.lastSuccess.set({ table, operation }, atMs / MS_PER_SECOND);
    if (operation === 'checkpoint') this.lastCheckpointMs.set(table, atMs);
  }

  onVerification(results: readonly CheckResult[]): void {
    for (const r of results) {
      this.verificationOk.set({ check: r.check, table: r.table }, r.ok ? 1 : 0);
      this.verificationViolations.set({ check: r.check, table: r.table }, r.violations);
    }
  }
}
