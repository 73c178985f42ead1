import Table from 'cli-table3';

/** A JSON replacer that writes bigints as numbers when exact, as strings otherwise. */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  return value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, jsonSafe);
}

/** Rows as a bordered table (terminal), with the given columns in order. */
export function renderTable(columns: readonly string[], rows: readonly object[]): string {
  const table = new Table({ head: [...columns], style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push(columns.map((c) => cell((row as Record<string, unknown>)[c])));
  return table.toString();
}

/** Rows as pretty JSON. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, jsonSafe, 2);
}

/** Bytes in a readable unit. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
