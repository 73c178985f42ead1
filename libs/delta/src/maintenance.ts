import type {
  OptimizeOptions as NativeOptimizeOptions,
  VacuumOptions as NativeVacuumOptions,
} from '../native/native.js';
import { toNativeCommit, type CommitOptions } from './write.js';

/** Options of {@link DeltaTable.vacuum}. */
export interface VacuumOptions extends CommitOptions {
  /** Keep files removed less than this many hours ago (default: `delta.deletedFileRetentionDuration`, 7 days). */
  readonly retentionHours?: number;
  /** Only report what would be deleted. */
  readonly dryRun?: boolean;
  /** Refuse a retention below the table's configured one (default `true`). */
  readonly enforceRetention?: boolean;
  /** `lite` (default): files the log marks removed; `full`: also files the log never referenced. */
  readonly mode?: 'lite' | 'full';
}

/** What {@link DeltaTable.vacuum} returns. */
export interface VacuumResult {
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Paths deleted (or that would be), relative to the table root. */
  readonly filesDeleted: readonly string[];
}

/** Options of {@link DeltaTable.optimize}: compaction by default, z-order when columns are given. */
export type OptimizeOptions = CommitOptions & {
  /** Target file size in bytes (default: `delta.targetFileSize`, else 100 MiB). */
  readonly targetSize?: number;
  /** How many bins to rewrite concurrently. */
  readonly maxConcurrentTasks?: number;
  /**
   * Only partitions matching every filter, e.g. `[{ column: 'event_date', op: '<', value: today }]` to compact
   * closed partitions while writers append to today's. Values are partition values as strings.
   */
  readonly partitionFilters?: readonly PartitionFilter[];
} & ({ readonly kind?: 'compact' } | { readonly kind: 'zorder'; readonly zorderColumns: readonly string[] });

/** A partition filter of {@link OptimizeOptions}. */
export type PartitionFilter =
  | { readonly column: string; readonly op: '=' | '!=' | '<' | '<=' | '>' | '>='; readonly value: string }
  | { readonly column: string; readonly op: 'in' | 'not in'; readonly values: readonly string[] };

/** Sizes of the files one side of an optimize touched. */
export interface FileSizeStats {
  readonly totalFiles: number;
  readonly totalSize: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

/** delta-rs's optimize metrics, plus the resulting version. */
export interface OptimizeResult {
  readonly version: number;
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAdded: FileSizeStats;
  readonly filesRemoved: FileSizeStats;
  readonly partitionsOptimized: number;
  readonly numBatches: number;
  readonly totalConsideredFiles: number;
  readonly totalFilesSkipped: number;
}

/** Converts vacuum options into the native shape. */
export function toNativeVacuum(options: VacuumOptions | undefined): NativeVacuumOptions {
  return {
    retentionHours: options?.retentionHours,
    dryRun: options?.dryRun,
    enforceRetention: options?.enforceRetention,
    mode: options?.mode,
    commit: toNativeCommit(options),
  };
}

/** Converts optimize options into the native shape. */
export function toNativeOptimize(options: OptimizeOptions | undefined): NativeOptimizeOptions {
  return {
    kind: options?.kind,
    zorderColumns: options?.kind === 'zorder' ? [...options.zorderColumns] : undefined,
    targetSize: options?.targetSize,
    maxConcurrentTasks: options?.maxConcurrentTasks,
    partitionFilters: options?.partitionFilters?.map((f) =>
      'values' in f ? { column: f.column, op: f.op, values: [...f.values] } : { ...f },
    ),
    commit: toNativeCommit(options),
  };
}
