// Shared fixtures of the int-specs: tick tables built in JS and throwaway table directories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Field,
  Float64,
  Int64,
  Schema,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

/** Symbols cycled through by {@link ticks}. */
export const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'] as const;
/** Trading date every fixture row falls on, also the partition value. */
export const TRADE_DATE = '2024-01-02';
/** Epoch ms of the first fixture tick. */
export const FIRST_TICK_MS = Date.UTC(2024, 0, 2, 14, 30);

/** The schema of fixture ticks: the shape of the lakehouse's bronze ticks, simplified. */
export const TICK_SCHEMA = new Schema([
  new Field('id', new Int64(), false),
  new Field('symbol', new Utf8(), false),
  new Field('price', new Float64(), false),
  new Field('volume', new Int64(), false),
  new Field('event_time', new TimestampMillisecond('UTC'), false),
  new Field('date', new Utf8(), false),
]);

/** `count` ticks with ids `firstId…firstId+count-1`; price is a function of the id (`id + priceOffset`). */
export function ticks(count: number, firstId = 0, priceOffset = 0, date = TRADE_DATE): Table {
  const ids = Array.from({ length: count }, (_, i) => BigInt(firstId + i));
  return new Table({
    id: vectorFromArray(ids, new Int64()),
    symbol: vectorFromArray(
      ids.map((id) => SYMBOLS[Number(id) % SYMBOLS.length] ?? 'AAPL'),
      new Utf8(),
    ),
    price: vectorFromArray(
      ids.map((id) => Number(id) + priceOffset),
      new Float64(),
    ),
    volume: vectorFromArray(
      ids.map((id) => id * 10n),
      new Int64(),
    ),
    event_time: vectorFromArray(
      ids.map((id) => FIRST_TICK_MS + Number(id)),
      new TimestampMillisecond('UTC'),
    ),
    date: vectorFromArray(
      ids.map(() => date),
      new Utf8(),
    ),
  });
}

/** A fresh directory under the OS temp dir, and a cleanup for `after`. */
export function tempDir(prefix = 'delta-spec-'): { readonly path: string; readonly cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** The ids in a table's `id` column, sorted, as numbers. */
export function sortedIds(table: Table): number[] {
  const column = table.getChild('id');
  if (column === null) throw new Error('no id column');
  return Array.from(column.toArray() as BigInt64Array, Number).sort((a, b) => a - b);
}

/** `[from, from+1, …, to-1]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
