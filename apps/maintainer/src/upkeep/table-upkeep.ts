import { randomUUID } from 'node:crypto';
import {
  type OptimizeOptions,
  type OptimizeResult,
  type TableMetadata,
  type VacuumOptions,
  type VacuumResult,
} from '@lakehouse/delta';
import { type MaintenanceResult, type MaintenanceRunRow } from '@lakehouse/lake';
import { errorMessage } from '@lakehouse/platform';
import { type Table } from 'apache-arrow';
import { MaintainerError } from '../maintainer-error';
import { type MaintainedTable } from '../tables/maintained-tables';
import { decideVacuumRetention, intervalHours } from './retention-guard';
import {
  type CompactionPolicy,
  dataFilesOf,
  planCompaction,
  type TableStats,
  tableStatsOf,
} from './table-stats';
import { type UpkeepOperation } from './upkeep-schedule';

/** The part of `DeltaTable` upkeep uses: a port, so the retry and guard logic is tested against a fake. */
export interface MaintainableTable {
  version(): Promise<number>;
  files(): Promise<Table>;
  metadata(): Promise<Pick<TableMetadata, 'configuration'>>;
  optimize(options?: OptimizeOptions): Promise<OptimizeResult>;
  vacuum(options?: VacuumOptions): Promise<VacuumResult>;
  createCheckpoint(): Promise<number>;
  cleanupMetadata(): Promise<number>;
}

export interface UpkeepSettings {
  readonly windowHours: number;
  /** Scheduled VACUUM retention (the window when absent). */
  readonly vacuumRetentionHours?: number;
  readonly vacuumForce: boolean;
  readonly vacuumDryRun: boolean;
  readonly targetFileBytes: number;
  readonly smallFileBytes: number;
  readonly minSmallFiles: number;
  readonly openPartitionSmallFiles: number;
  readonly optimizeAttempts: number;
}

/** One run asked for: by the schedule, or by an operator through the CLI (who may override the settings). */
export interface UpkeepRequest {
  readonly operation: UpkeepOperation;
  readonly dryRun?: boolean;
  readonly retentionHours?: number;
  readonly force?: boolean;
  /** Compact even when the plan finds too few small files (an operator asked). */
  readonly always?: boolean;
}

/** Where upkeep logs: structured fields, the maintainer's JSON logger in production. */
export interface UpkeepLog {
  log(fields: Record<string, unknown>): void;
  warn(fields: Record<string, unknown>): void;
}

interface Outcome {
  readonly result: MaintenanceResult;
  readonly detail: Record<string, unknown>;
  readonly filesDeleted?: number;
  readonly retentionHours?: number;
  readonly forced?: boolean;
  readonly errorCode?: string;
  readonly error?: string;
}

const MICROS_PER_MS = 1000n;
/** Error codes of the guards: the run was refused before touching the table, not failed. */
const REFUSALS: ReadonlySet<string> = new Set([
  'VACUUM_RETENTION_BELOW_WINDOW',
  'LOG_RETENTION_BELOW_WINDOW',
]);
/** delta-rs's default `delta.logRetentionDuration`: 30 days. */
const DEFAULT_LOG_RETENTION_HOURS = 30 * 24;
const DRY_RUN_LISTING = 20;
const MAX_ERROR_CHARS = 2000;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/**
 * Runs one upkeep operation on one table and describes it as an `ops.maintenance_runs` row. Never throws for the
 * operation's own failures: a refused VACUUM, an OPTIMIZE that kept losing to writers, or a delta-rs error become
 * the row's result and error. Files and bytes are read before and after from the table's active file list.
 */
export class TableUpkeep {
  constructor(
    private readonly settings: UpkeepSettings,
    private readonly nowMs: () => number,
    private readonly logger: UpkeepLog,
  ) {}

  async stats(table: MaintainableTable, target: MaintainedTable): Promise<TableStats> {
    return tableStatsOf(dataFilesOf(await table.files(), target.datePartition), this.settings.smallFileBytes);
  }

  /** What a non-VACUUM operation would do now, in words (VACUUM previews are dry runs). */
  async preview(
    table: MaintainableTable,
    target: MaintainedTable,
    operation: 'optimize' | 'optimize_open' | 'zorder' | 'checkpoint' | 'log_cleanup',
  ): Promise<string> {
    const stats = await this.stats(table, target);
    switch (operation) {
      case 'optimize': {
        const plan = planCompaction(stats, this.compactionPolicy(target));
        return (
          `${plan.run ? 'would compact' : 'would skip'}: ${plan.reason}` +
          (plan.partitions.length > 0 ? ` [${plan.partitions.join(', ')}]` : '')
        );
      }
      case 'optimize_open': {
        const open = this.openPartitionPlan(stats, target);
        return `${open.run ? 'would compact' : 'would skip'}: ${open.reason}`;
      }
      case 'zorder':
        return `would z-order ${stats.files} file(s) by ${(target.zorderBy ?? []).join(', ')}`;
      case 'checkpoint':
        return `would checkpoint v${await table.version()}`;
      case 'log_cleanup':
        return 'would delete log files older than delta.logRetentionDuration that a checkpoint covers';
    }
  }

  async run(
    table: MaintainableTable,
    target: MaintainedTable,
    request: UpkeepRequest,
  ): Promise<MaintenanceRunRow> {
    const startedMs = this.nowMs();
    const versionBefore = await table.version();
    const before = await this.stats(table, target);
    let outcome: Outcome;
    try {
      outcome = await this.execute(table, target, request, before);
    } catch (error) {
      const code = codeOf(error);
      outcome = {
        result: REFUSALS.has(code) ? 'refused' : 'failed',
        detail: {},
        errorCode: code,
        error: errorMessage(error).slice(0, MAX_ERROR_CHARS),
      };
    }
    const versionAfter = await table.version();
    const after = await this.stats(table, target);
    const row: MaintenanceRunRow = {
      runId: randomUUID(),
      tableName: target.name,
      operation: request.operation,
      startedAtUs: BigInt(startedMs) * MICROS_PER_MS,
      durationMs: BigInt(Math.max(0, this.nowMs() - startedMs)),
      result: outcome.result,
      filesBefore: BigInt(before.files),
      bytesBefore: BigInt(before.bytes),
      filesAfter: BigInt(after.files),
      bytesAfter: BigInt(after.bytes),
      versionBefore: BigInt(versionBefore),
      versionAfter: BigInt(versionAfter),
      filesDeleted: outcome.filesDeleted === undefined ? null : BigInt(outcome.filesDeleted),
      retentionHours: outcome.retentionHours ?? null,
      forced: outcome.forced ?? false,
      detail: JSON.stringify(outcome.detail),
      errorCode: outcome.errorCode ?? null,
      error: outcome.error ?? null,
    };
    const fields = {
      msg: 'maintenance run',
      table: row.tableName,
      operation: row.operation,
      result: row.result,
      filesBefore: before.files,
      filesAfter: after.files,
      durationMs: Number(row.durationMs),
      errorCode: row.errorCode,
    };
    if (row.result === 'failed' || row.result === 'refused')
      this.logger.warn({ ...fields, error: row.error });
    else this.logger.log(fields);
    return row;
  }

  private async execute(
    table: MaintainableTable,
    target: MaintainedTable,
    request: UpkeepRequest,
    before: TableStats,
  ): Promise<Outcome> {
    switch (request.operation) {
      case 'optimize':
        return this.compact(table, target, request, before);
      case 'optimize_open':
        return this.compactOpen(table, target, request, before);
      case 'zorder':
        if (target.zorderBy === undefined || target.zorderBy.length === 0) {
          return { result: 'skipped', detail: { reason: 'no z-order columns for this table' } };
        }
        return this.optimizeWithRetry(table, {
          kind: 'zorder',
          zorderColumns: target.zorderBy,
          targetSize: this.settings.targetFileBytes,
        });
      case 'vacuum':
        return this.vacuum(table, request, 'lite');
      case 'vacuum_full':
        return this.vacuum(table, request, 'full');
      case 'checkpoint': {
        const version = await table.createCheckpoint();
        return { result: 'ok', detail: { checkpointVersion: version } };
      }
      case 'log_cleanup':
        return this.cleanupLog(table, request);
    }
  }

  private async compact(
    table: MaintainableTable,
    target: MaintainedTable,
    request: UpkeepRequest,
    before: TableStats,
  ): Promise<Outcome> {
    const plan = planCompaction(before, this.compactionPolicy(target));
    if (!plan.run && request.always !== true) {
      return { result: 'skipped', detail: { reason: plan.reason, partitions: plan.partitions } };
    }
    const outcome = await this.optimizeWithRetry(table, {
      targetSize: this.settings.targetFileBytes,
      ...(plan.excludePartition === undefined || target.datePartition === undefined
        ? {}
        : {
            partitionFilters: [{ column: target.datePartition, op: '!=', value: plan.excludePartition }],
          }),
    });
    return { ...outcome, detail: { ...outcome.detail, plan: plan.reason, partitions: plan.partitions } };
  }

  /** Compacts today's partition of an append-only table alone, once it holds enough small files. */
  private async compactOpen(
    table: MaintainableTable,
    target: MaintainedTable,
    request: UpkeepRequest,
    before: TableStats,
  ): Promise<Outcome> {
    const open = this.openPartitionPlan(before, target);
    if (open.column === undefined || (!open.run && request.always !== true)) {
      return { result: 'skipped', detail: { reason: open.reason } };
    }
    const outcome = await this.optimizeWithRetry(table, {
      targetSize: this.settings.targetFileBytes,
      partitionFilters: [{ column: open.column, op: '=', value: this.today() }],
    });
    return { ...outcome, detail: { ...outcome.detail, plan: open.reason, partitions: [this.today()] } };
  }

  /** Whether today's partition wants compacting, and its column: only append-only tables with a date partition. */
  private openPartitionPlan(
    stats: TableStats,
    target: MaintainedTable,
  ): { run: boolean; reason: string; column?: string } {
    const column = target.appendOnly === true ? target.datePartition : undefined;
    if (column === undefined) return { run: false, reason: 'not an append-only table with a date partition' };
    const today = this.today();
    const small = stats.partitions.find((p) => p.partition === today)?.smallFiles ?? 0;
    return small >= this.settings.openPartitionSmallFiles
      ? { run: true, reason: `${small} small files in the open partition ${today}`, column }
      : {
          run: false,
          reason: `too few small files in the open partition ${today} (${small} < ${this.settings.openPartitionSmallFiles})`,
          column,
        };
  }

  /**
   * OPTIMIZE against live writers: a commit that loses the race (a writer removed or rewrote files being compacted)
   * fails with COMMIT_CONFLICT and commits nothing, so retrying from a fresh snapshot is safe; after the configured
   * attempts the run is recorded as skipped and the next schedule tries again.
   */
  private async optimizeWithRetry(table: MaintainableTable, options: OptimizeOptions): Promise<Outcome> {
    let lastConflict: unknown;
    for (let attempt = 1; attempt <= this.settings.optimizeAttempts; attempt += 1) {
      try {
        const r = await table.optimize(options);
        return {
          result: 'ok',
          detail: {
            attempts: attempt,
            version: r.version,
            filesAdded: r.numFilesAdded,
            filesRemoved: r.numFilesRemoved,
            partitionsOptimized: r.partitionsOptimized,
            filesSkipped: r.totalFilesSkipped,
          },
        };
      } catch (error) {
        if (codeOf(error) !== 'COMMIT_CONFLICT') throw error;
        lastConflict = error;
        this.logger.warn({
          msg: 'optimize lost a commit race; retrying',
          attempt,
          error: errorMessage(error),
        });
      }
    }
    return {
      result: 'skipped',
      detail: { attempts: this.settings.optimizeAttempts },
      errorCode: 'COMMIT_CONFLICT',
      error: errorMessage(lastConflict).slice(0, MAX_ERROR_CHARS),
    };
  }

  private async vacuum(
    table: MaintainableTable,
    request: UpkeepRequest,
    mode: 'lite' | 'full',
  ): Promise<Outcome> {
    const configuration = (await table.metadata()).configuration;
    const dryRun = request.dryRun ?? this.settings.vacuumDryRun;
    // A dry run deletes nothing, so it may list what a shorter retention would delete without being forced.
    const decision = decideVacuumRetention({
      requestedHours: request.retentionHours ?? this.settings.vacuumRetentionHours,
      windowHours: this.settings.windowHours,
      tableRetentionHours: intervalHours(configuration['delta.deletedFileRetentionDuration']),
      force: dryRun || (request.force ?? this.settings.vacuumForce),
    });
    if (decision.forced && !dryRun) {
      this.logger.warn({
        msg: 'VACUUM forced below the time-travel window',
        retentionHours: decision.retentionHours,
        floorHours: decision.floorHours,
      });
    }
    const r = await table.vacuum({
      retentionHours: decision.retentionHours,
      dryRun,
      enforceRetention: !decision.forced,
      mode,
    });
    return {
      result: dryRun ? 'dry_run' : 'ok',
      detail: {
        mode,
        floorHours: decision.floorHours,
        files: r.filesDeleted.slice(0, DRY_RUN_LISTING),
        more: Math.max(0, r.filesDeleted.length - DRY_RUN_LISTING),
      },
      filesDeleted: r.filesDeleted.length,
      retentionHours: decision.retentionHours,
      forced: decision.forced && !dryRun,
    };
  }

  /**
   * Log cleanup deletes commits older than `delta.logRetentionDuration`; versions before the oldest kept commit can
   * no longer be checked out. So a table whose log retention is shorter than the time-travel window is refused
   * (`LOG_RETENTION_BELOW_WINDOW`) unless forced, like VACUUM.
   */
  private async cleanupLog(table: MaintainableTable, request: UpkeepRequest): Promise<Outcome> {
    const configuration = (await table.metadata()).configuration;
    const logHours =
      intervalHours(configuration['delta.logRetentionDuration']) ?? DEFAULT_LOG_RETENTION_HOURS;
    const forced = logHours < this.settings.windowHours;
    if (forced && !(request.force ?? false)) {
      throw new MaintainerError(
        'LOG_RETENTION_BELOW_WINDOW',
        `delta.logRetentionDuration (${logHours} h) is shorter than the time-travel window ` +
          `(${this.settings.windowHours} h): log cleanup would end time travel inside the window (force to override)`,
      );
    }
    if (forced) this.logger.warn({ msg: 'log cleanup forced below the time-travel window', logHours });
    const deleted = await table.cleanupMetadata();
    return {
      result: 'ok',
      detail: { logFilesDeleted: deleted, logRetentionHours: logHours },
      filesDeleted: deleted,
      forced,
    };
  }

  private compactionPolicy(target: MaintainedTable): CompactionPolicy {
    return {
      openPartition: target.datePartition === undefined ? undefined : this.today(),
      minSmallFiles: this.settings.minSmallFiles,
      openPartitionSmallFiles: this.settings.openPartitionSmallFiles,
    };
  }

  private today(): string {
    return new Date(this.nowMs()).toISOString().slice(0, 10);
  }
}

/** Fails fast on a request the CLI got wrong before touching a table. */
export function assertVersion(version: number): void {
  if (!Number.isInteger(version) || version < 0) {
    throw new MaintainerError('INVALID_VERSION', `version must be an integer ≥ 0, got ${version}`);
  }
}
