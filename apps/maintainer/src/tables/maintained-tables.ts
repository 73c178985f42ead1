import { DEFAULT_FEATURE_CONFIG, featureNames } from '@lakehouse/domain';
import {
  BRONZE_QUARANTINE,
  BRONZE_TICKS,
  GOLD_ACCURACY,
  GOLD_BARS_1M,
  GOLD_PREDICTIONS,
  OPS_MAINTENANCE_RUNS,
  SILVER_QUARANTINE,
  silverTicksTable,
} from '@lakehouse/lake';

/** A table the maintainer keeps: where it lives and how its files are best laid out. */
export interface MaintainedTable {
  /** Logical name, `layer.table`. */
  readonly name: string;
  /** Path under the lake root. */
  readonly path: string;
  /** The date partition column whose value for today is the open partition writers still append to. */
  readonly datePartition?: string;
  /** Columns to z-order by: set where readers filter by them (per-symbol charts, backfills, joins by symbol). */
  readonly zorderBy?: readonly string[];
  /**
   * Written only by blind appends (no writer reads its files to commit), so compacting it never makes a writer's
   * commit conflict: its open partition gets the frequent `optimize_open` (a streaming append makes a file per
   * commit, and every delta-rs commit costs more as the table's file count grows).
   */
  readonly appendOnly?: boolean;
}

const SILVER_TICKS = silverTicksTable(featureNames(DEFAULT_FEATURE_CONFIG));

/** Every table of the lake. A table that does not exist yet is passed over until it does. */
export const MAINTAINED_TABLES: readonly MaintainedTable[] = [
  { name: BRONZE_TICKS.name, path: BRONZE_TICKS.path, datePartition: 'event_date', appendOnly: true },
  {
    name: BRONZE_QUARANTINE.name,
    path: BRONZE_QUARANTINE.path,
    datePartition: 'ingest_date',
    appendOnly: true,
  },
  { name: SILVER_TICKS.name, path: SILVER_TICKS.path, datePartition: 'event_date', zorderBy: ['symbol'] },
  { name: SILVER_QUARANTINE.name, path: SILVER_QUARANTINE.path, datePartition: 'event_date' },
  {
    name: GOLD_PREDICTIONS.name,
    path: GOLD_PREDICTIONS.path,
    datePartition: 'event_date',
    zorderBy: ['symbol'],
  },
  { name: GOLD_ACCURACY.name, path: GOLD_ACCURACY.path },
  { name: GOLD_BARS_1M.name, path: GOLD_BARS_1M.path, datePartition: 'bar_date', zorderBy: ['symbol'] },
  { name: OPS_MAINTENANCE_RUNS.name, path: OPS_MAINTENANCE_RUNS.path },
];

/** The maintained table called `name`, or a clear error listing the known names. */
export function maintainedTable(
  name: string,
  tables: readonly MaintainedTable[] = MAINTAINED_TABLES,
): MaintainedTable {
  const found = tables.find((t) => t.name === name);
  if (found === undefined) {
    throw new Error(`unknown table '${name}'; known: ${tables.map((t) => t.name).join(', ')}`);
  }
  return found;
}

/** The configured subset of tables, in registry order; unknown names are an error. */
export function selectTables(names: readonly string[] | undefined): readonly MaintainedTable[] {
  if (names === undefined) return MAINTAINED_TABLES;
  return names.map((n) => maintainedTable(n));
}
