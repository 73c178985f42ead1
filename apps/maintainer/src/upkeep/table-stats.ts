import { type Table } from 'apache-arrow';

/** One active data file: its size and its date partition value (when the table has one). */
export interface DataFile {
  readonly sizeBytes: number;
  readonly partition: string | undefined;
}

export interface PartitionStats {
  readonly partition: string;
  readonly files: number;
  readonly smallFiles: number;
  readonly bytes: number;
}

/** Size and layout of one table version. */
export interface TableStats {
  readonly files: number;
  readonly bytes: number;
  readonly smallFiles: number;
  /** Small files / files (0 for an empty table). */
  readonly smallFileRatio: number;
  /** Per date partition, closed (older) partitions first, the open one last. */
  readonly partitions: readonly PartitionStats[];
}

const NO_PARTITION = '(unpartitioned)';

/** The active files of a `DeltaTable.files()` listing, with the value of `partitionColumn` for each. */
export function dataFilesOf(listing: Table, partitionColumn: string | undefined): DataFile[] {
  const sizes = listing.getChild('size_bytes');
  const partitions = partitionColumn === undefined ? null : listing.getChild(`partition.${partitionColumn}`);
  const files: DataFile[] = [];
  for (let i = 0; i < listing.numRows; i += 1) {
    const partition: unknown = partitions?.get(i);
    files.push({
      sizeBytes: Number(sizes?.get(i) ?? 0),
      partition: typeof partition === 'string' ? partition : undefined,
    });
  }
  return files;
}

/** Counts files, bytes and small files, overall and per partition. */
export function tableStatsOf(files: readonly DataFile[], smallFileBytes: number): TableStats {
  const byPartition = new Map<string, { files: number; smallFiles: number; bytes: number }>();
  let bytes = 0;
  let smallFiles = 0;
  for (const file of files) {
    const small = file.sizeBytes < smallFileBytes ? 1 : 0;
    bytes += file.sizeBytes;
    smallFiles += small;
    const key = file.partition ?? NO_PARTITION;
    const p = byPartition.get(key) ?? { files: 0, smallFiles: 0, bytes: 0 };
    p.files += 1;
    p.smallFiles += small;
    p.bytes += file.sizeBytes;
    byPartition.set(key, p);
  }
  const partitions = [...byPartition.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([partition, p]) => ({ partition, ...p }));
  return {
    files: files.length,
    bytes,
    smallFiles,
    smallFileRatio: files.length === 0 ? 0 : smallFiles / files.length,
    partitions,
  };
}

export interface CompactionPolicy {
  /** Today's partition value (UTC date): writers still append there. */
  readonly openPartition: string | undefined;
  /** Run when closed partitions hold at least this many small files. */
  readonly minSmallFiles: number;
  /** Or when the open partition alone holds this many. */
  readonly openPartitionSmallFiles: number;
}

export interface CompactionPlan {
  readonly run: boolean;
  /** Partitions with small files, closed ones first: the order the plan reports them in. */
  readonly partitions: readonly string[];
  readonly reason: string;
  /**
   * The partition the run must leave alone: when closed partitions alone trigger it, the OPTIMIZE is filtered to
   * `partition != openPartition`, so it never rewrites files today's writers are still adding to.
   */
  readonly excludePartition?: string;
}

/**
 * Whether OPTIMIZE has work worth a commit. Closed partitions (not today's) come first: their files no longer
 * change, so compacting them conflicts with no writer. A run triggered by closed partitions is filtered to them;
 * today's partition triggers a run (over every partition) only once it has many small files.
 */
export function planCompaction(stats: TableStats, policy: CompactionPolicy): CompactionPlan {
  const withSmall = stats.partitions.filter((p) => p.smallFiles > 1);
  const closed = withSmall.filter((p) => p.partition !== policy.openPartition);
  const open = withSmall.find((p) => p.partition === policy.openPartition);
  const closedSmall = closed.reduce((n, p) => n + p.smallFiles, 0);
  const partitions = [...closed, ...(open === undefined ? [] : [open])].map((p) => p.partition);
  if (closedSmall >= policy.minSmallFiles) {
    return {
      run: true,
      partitions,
      reason: `${closedSmall} small files in ${closed.length} closed partition(s)`,
      ...(policy.openPartition === undefined ? {} : { excludePartition: policy.openPartition }),
    };
  }
  if (open !== undefined && open.smallFiles >= policy.openPartitionSmallFiles) {
    return { run: true, partitions, reason: `${open.smallFiles} small files in the open partition` };
  }
  return {
    run: false,
    partitions,
    reason: `too few small files (closed ${closedSmall} < ${policy.minSmallFiles}, open ${open?.smallFiles ?? 0} < ${policy.openPartitionSmallFiles})`,
  };
}
