import { type DeltaTable } from '@lakehouse/delta';
import { type CheckResult, resultOf } from './check-result';
import { columnNames, scalarNumber, sessionOn, sqlIdent, stringColumn } from './sql.util';
import { type TableRef } from './verification-options';

/**
 * Zero duplicate `event_id`s: tables written only through MERGE on `event_id` hold at most one row per id. Counts the
 * surplus rows (a key present three times is two violations), at one pinned version.
 */
export async function checkDuplicateEventIds(
  ref: TableRef,
  table: DeltaTable,
  sampleLimit: number,
): Promise<CheckResult> {
  const version = await table.version();
  const session = await sessionOn(table, version);
  const groups = `SELECT event_id, count(*) AS n FROM t GROUP BY event_id HAVING count(*) > 1`;
  const counts = await session.sql(
    `SELECT count(*) AS keys, coalesce(sum(n - 1), 0) AS surplus FROM (${groups}) d`,
  );
  const surplus = scalarNumber(counts, 'surplus');
  const keys = scalarNumber(counts, 'keys');
  const samples =
    surplus === 0
      ? []
      : stringColumn(
          await session.sql(`${groups} ORDER BY n DESC, event_id LIMIT ${sampleLimit}`),
          'event_id',
        );
  return resultOf(
    'duplicate_event_ids',
    ref.name,
    surplus,
    `v${version}: ${keys} event_id(s) stored more than once, ${surplus} surplus row(s)`,
    samples,
  );
}

/**
 * No null keys: every listed column that the table has must be non-null (and, for strings, non-empty). Columns the
 * table lacks are ignored, so one list serves tables whose schema is still settling.
 */
export async function checkNullKeys(
  ref: TableRef,
  table: DeltaTable,
  keyColumns: readonly string[],
): Promise<CheckResult> {
  const version = await table.version();
  const present = await columnNames(table);
  const schema = await table.schema();
  const isString = new Set(schema.fields.filter((f) => /utf8/i.test(String(f.type))).map((f) => f.name));
  const columns = keyColumns.filter((c) => present.has(c));
  if (columns.length === 0) {
    return resultOf('null_keys', ref.name, 0, `v${version}: none of ${keyColumns.join(', ')} present`);
  }
  const session = await sessionOn(table, version);
  const sums = columns.map((c) => {
    const empty = isString.has(c) ? ` OR ${sqlIdent(c)} = ''` : '';
    return `sum(CASE WHEN ${sqlIdent(c)} IS NULL${empty} THEN 1 ELSE 0 END) AS ${sqlIdent(c)}`;
  });
  const result = await session.sql(`SELECT ${sums.join(', ')} FROM t`);
  const perColumn = columns.map((c) => [c, scalarNumber(result, c)] as const);
  const violations = perColumn.reduce((n, [, v]) => n + v, 0);
  const bad = perColumn.filter(([, v]) => v > 0).map(([c, v]) => `${c}=${v}`);
  return resultOf(
    'null_keys',
    ref.name,
    violations,
    `v${version}: checked ${columns.join(', ')}${bad.length > 0 ? `; null or empty: ${bad.join(', ')}` : ''}`,
  );
}

/** Valid prices: finite and > 0 (NaN and ±∞ fail the finite upper bound). */
export async function checkValidPrices(
  ref: TableRef,
  table: DeltaTable,
  sampleLimit: number,
): Promise<CheckResult> {
  const version = await table.version();
  if (!(await columnNames(table)).has('price')) {
    return resultOf('valid_prices', ref.name, 0, `v${version}: no price column`);
  }
  const session = await sessionOn(table, version);
  // A nullable price (gold.predictions before its prediction side arrives) may be absent, never invalid.
  const nullable = (await table.schema()).fields.find((f) => f.name === 'price')?.nullable ?? false;
  const finitePositive = `(price > 0 AND price <= ${Number.MAX_VALUE})`;
  const invalid = nullable
    ? `price IS NOT NULL AND NOT ${finitePositive}`
    : `price IS NULL OR NOT ${finitePositive}`;
  const count = scalarNumber(await session.sql(`SELECT count(*) AS n FROM t WHERE ${invalid}`), 'n');
  const hasEventId = (await columnNames(table)).has('event_id');
  const samples =
    count === 0 || !hasEventId
      ? []
      : stringColumn(
          await session.sql(`SELECT event_id FROM t WHERE ${invalid} LIMIT ${sampleLimit}`),
          'event_id',
        );
  return resultOf(
    'valid_prices',
    ref.name,
    count,
    `v${version}: ${count} row(s) with price not > 0 or not finite`,
    samples,
  );
}
