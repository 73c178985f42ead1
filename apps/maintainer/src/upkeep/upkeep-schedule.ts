/** The scheduled operations, in the order one table's due work runs: compact, then vacuum, then the log. */
export const UPKEEP_OPERATIONS = [
  'optimize',
  'optimize_open',
  'zorder',
  'vacuum',
  'vacuum_full',
  'checkpoint',
  'log_cleanup',
] as const;

export type UpkeepOperation = (typeof UPKEEP_OPERATIONS)[number];

/** Interval per operation in ms; 0 switches it off. */
export type UpkeepIntervals = Readonly<Record<UpkeepOperation, number>>;

export interface ScheduledTable {
  readonly name: string;
  /** Z-order needs columns; a table without them never gets `zorder`. */
  readonly zorderBy?: readonly string[];
  /** Only append-only tables with a date partition get `optimize_open`. */
  readonly appendOnly?: boolean;
  readonly datePartition?: string;
}

export interface DueTask {
  readonly table: string;
  readonly operation: UpkeepOperation;
  /** When it became (or becomes) due, ms since the epoch; never-run work is due at `nowMs`. */
  readonly dueAtMs: number;
}

/** When each (table, operation) last ran, ms since the epoch; `undefined` when never. */
export type LastRunLookup = (table: string, operation: UpkeepOperation) => number | undefined;

function applies(table: ScheduledTable, operation: UpkeepOperation): boolean {
  if (operation === 'zorder') return table.zorderBy !== undefined && table.zorderBy.length > 0;
  if (operation === 'optimize_open') return table.appendOnly === true && table.datePartition !== undefined;
  return true;
}

/**
 * The next run of every enabled (table, operation): last run + interval, or now when it never ran. Sorted by due
 * time, then table order, then operation order, so a backlog runs oldest first and one table's steps stay in order.
 */
export function nextRuns(
  tables: readonly ScheduledTable[],
  intervals: UpkeepIntervals,
  lastRun: LastRunLookup,
  nowMs: number,
): DueTask[] {
  const tasks: Array<DueTask & { readonly rank: number }> = [];
  tables.forEach((table, t) => {
    UPKEEP_OPERATIONS.forEach((operation, o) => {
      const interval = intervals[operation];
      if (interval <= 0 || !applies(table, operation)) return;
      const last = lastRun(table.name, operation);
      const dueAtMs = last === undefined ? nowMs : last + interval;
      tasks.push({ table: table.name, operation, dueAtMs, rank: t * UPKEEP_OPERATIONS.length + o });
    });
  });
  tasks.sort((a, b) => a.dueAtMs - b.dueAtMs || a.rank - b.rank);
  return tasks.map(({ table, operation, dueAtMs }) => ({ table, operation, dueAtMs }));
}

/** The runs due at `nowMs`, in the order to run them. */
export function dueTasks(
  tables: readonly ScheduledTable[],
  intervals: UpkeepIntervals,
  lastRun: LastRunLookup,
  nowMs: number,
): DueTask[] {
  return nextRuns(tables, intervals, lastRun, nowMs).filter((task) => task.dueAtMs <= nowMs);
}
