import { RETENTION_PROPERTIES, type TableDefinition } from '../table-definition';

/** How a maintenance run ended. */
export type MaintenanceResult = 'ok' | 'dry_run' | 'skipped' | 'refused' | 'failed';

/** One maintenance operation on one table, as the maintainer records it. */
export interface MaintenanceRunRow {
  readonly runId: string;
  /** Logical table name (`silver.ticks`). */
  readonly tableName: string;
  /** `optimize`, `zorder`, `vacuum`, `vacuum_full`, `checkpoint`, `log_cleanup`, `verify`, `restore`. */
  readonly operation: string;
  readonly startedAtUs: bigint;
  readonly durationMs: bigint;
  readonly result: MaintenanceResult;
  /** Active data files and their bytes before and after the run (null when the table could not be read). */
  readonly filesBefore: bigint | null;
  readonly bytesBefore: bigint | null;
  readonly filesAfter: bigint | null;
  readonly bytesAfter: bigint | null;
  readonly versionBefore: bigint | null;
  readonly versionAfter: bigint | null;
  /** Files VACUUM deleted (or would, in a dry run); log files cleanup deleted. */
  readonly filesDeleted: bigint | null;
  /** VACUUM's retention in hours, and whether it was forced below the time-travel window. */
  readonly retentionHours: number | null;
  readonly forced: boolean;
  /** Operation-specific facts as JSON (optimize metrics, dry-run listing head, attempts). */
  readonly detail: string;
  readonly errorCode: string | null;
  readonly error: string | null;
}

/** `ops.maintenance_runs`: every maintenance run, append-only, written by the maintainer. */
export const OPS_MAINTENANCE_RUNS: TableDefinition<MaintenanceRunRow> = {
  name: 'ops.maintenance_runs',
  path: 'ops/maintenance_runs',
  columns: [
    { name: 'run_id', kind: 'utf8', nullable: false },
    { name: 'table_name', kind: 'utf8', nullable: false },
    { name: 'operation', kind: 'utf8', nullable: false },
    { name: 'started_at', kind: 'timestamp_us', nullable: false },
    { name: 'duration_ms', kind: 'i64', nullable: false },
    { name: 'result', kind: 'utf8', nullable: false },
    { name: 'files_before', kind: 'i64', nullable: true },
    { name: 'bytes_before', kind: 'i64', nullable: true },
    { name: 'files_after', kind: 'i64', nullable: true },
    { name: 'bytes_after', kind: 'i64', nullable: true },
    { name: 'version_before', kind: 'i64', nullable: true },
    { name: 'version_after', kind: 'i64', nullable: true },
    { name: 'files_deleted', kind: 'i64', nullable: true },
    { name: 'retention_hours', kind: 'f64', nullable: true },
    { name: 'forced', kind: 'bool', nullable: false },
    { name: 'detail', kind: 'utf8', nullable: false },
    { name: 'error_code', kind: 'utf8', nullable: true },
    { name: 'error', kind: 'utf8', nullable: true },
  ],
  partitionColumns: [],
  properties: { ...RETENTION_PROPERTIES, 'delta.checkpointInterval': '100' },
  toColumns: (r) => [
    r.runId,
    r.tableName,
    r.operation,
    r.startedAtUs,
    r.durationMs,
    r.result,
    r.filesBefore,
    r.bytesBefore,
    r.filesAfter,
    r.bytesAfter,
    r.versionBefore,
    r.versionAfter,
    r.filesDeleted,
    r.retentionHours,
    r.forced,
    r.detail,
    r.errorCode,
    r.error,
  ],
};
