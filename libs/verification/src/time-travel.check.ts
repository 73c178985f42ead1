import { type DeltaTable } from '@lakehouse/delta';
import { type CheckResult, resultOf } from './check-result';
import { scalarNumber, sessionOn, sqlIdent } from './sql.util';

/** Commits that change no rows: the spot check looks past them for the latest version of the data. */
const BOOKKEEPING_OPERATIONS: ReadonlySet<string> = new Set(['VACUUM START', 'VACUUM END']);
const HISTORY_LOOKBACK = 50;

/** Sum of `num_records` over a `files()` listing: the row count the log promises for that version. */
export function recordsInFiles(files: Awaited<ReturnType<DeltaTable['files']>>): number {
  const column = files.getChild('num_records');
  let total = 0;
  if (column === null) return total;
  for (let i = 0; i < column.length; i += 1) total += Number(column.get(i) ?? 0);
  return total;
}

/** N: the newest version that changed data (VACUUM's own START/END commits do not). */
async function latestDataVersion(table: DeltaTable, latest: number): Promise<number> {
  for (const commit of await table.history(HISTORY_LOOKBACK)) {
    if (commit.version <= latest && !BOOKKEEPING_OPERATIONS.has(commit.operation ?? ''))
      return commit.version;
  }
  return latest;
}

/**
 * Time-travel spot check: version N−1 of the table (N = the newest version that changed data) can still be read in
 * full and holds the rows its log entries promise. Reads one column of every data file of N−1 (so a file a VACUUM
 * deleted too early fails the read) and compares the row count with the files' `num_records`. A table with no
 * version before N passes.
 */
export async function checkTimeTravel(name: string, table: DeltaTable): Promise<CheckResult> {
  const latest = await table.version();
  const n = await latestDataVersion(table, latest);
  if (n < 1) return resultOf('time_travel', name, 0, `v${n}: no earlier version to read`);
  const previous = n - 1;
  const at = `v${previous} (N = v${n}, latest v${latest})`;
  try {
    const pinned = await table.checkout({ version: previous });
    const expected = recordsInFiles(await pinned.files());
    const first = (await pinned.schema()).fields[0]?.name;
    const session = await sessionOn(table, previous);
    // An expression over a real column's values makes the engine read every file; `count(*)`, or `col IS NULL` on a
    // non-nullable column, would be answered from the log's statistics without opening one.
    const column = first === undefined ? undefined : sqlIdent(first);
    const count =
      column === undefined
        ? 'count(*)'
        : `sum(CASE WHEN length(CAST(${column} AS VARCHAR)) >= 0 THEN 1 ELSE 0 END) + ` +
          `sum(CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END)`;
    const counted = scalarNumber(await session.sql(`SELECT ${count} AS n FROM t`), 'n');
    return resultOf(
      'time_travel',
      name,
      counted === expected ? 0 : 1,
      `${at}: read ${counted} row(s), the log's file stats say ${expected}`,
    );
  } catch (error) {
    return resultOf('time_travel', name, 1, `${at} unreadable: ${String(error)}`);
  }
}
