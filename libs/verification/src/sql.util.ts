import { type DeltaTable, SqlSession } from '@lakehouse/delta';
import { type Table } from 'apache-arrow';

/** A one-table SQL session with the table registered as `t`, pinned to `version`. */
export async function sessionOn(table: DeltaTable, version: number, name = 't'): Promise<SqlSession> {
  const session = SqlSession.create();
  await session.register(name, table, { version });
  return session;
}

/** The first row's value of `column` as a number (SQL counts come back as Int64 bigints). */
export function scalarNumber(result: Table, column: string): number {
  const value: unknown = result.getChild(column)?.get(0);
  if (value === null || value === undefined) return 0;
  return typeof value === 'bigint' ? Number(value) : Number(value);
}

/** The values of a string column, as strings. */
export function stringColumn(result: Table, column: string): string[] {
  const vector = result.getChild(column);
  if (vector === null) return [];
  const out: string[] = [];
  for (let i = 0; i < vector.length; i += 1) out.push(String(vector.get(i)));
  return out;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A double-quoted SQL identifier (column names such as `f_volume_z_20` are plain, but quoting keeps them exact). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Column names of the table's current schema. */
export async function columnNames(table: DeltaTable): Promise<Set<string>> {
  return new Set((await table.schema()).fields.map((f) => f.name));
}
