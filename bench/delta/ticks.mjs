// Tick rows built in JS, the same shape and values as ticks.py builds in Python.
import { createRequire } from 'node:module';

// The CommonJS build, the one @lakehouse/delta (CommonJS) uses: ESM and CJS apache-arrow classes differ,
// and a table built with one cannot be serialised by the other.
const { Table, TimestampMillisecond, Utf8, makeData, makeVector } = createRequire(import.meta.url)(
  'apache-arrow',
);

export const SYMBOL_COUNT = 50;
export const SYMBOLS = Array.from({ length: SYMBOL_COUNT }, (_, i) => `SYM${String(i).padStart(3, '0')}`);
export const FIRST_TICK_MS = Date.UTC(2024, 0, 2, 14, 30);
export const FIRST_DATE_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;
const encoder = new TextEncoder();

/** `YYYY-MM-DD` of the `index`-th trading date of the fixtures. */
export function dateOf(index) {
  return new Date(FIRST_DATE_MS + index * DAY_MS).toISOString().slice(0, 10);
}

/** A Utf8 vector of `count` strings, the i-th being `pick(i)`, written straight into Arrow buffers. */
function utf8(count, pick) {
  const offsets = new Int32Array(count + 1);
  let bytes = 0;
  const encoded = new Map();
  for (let i = 0; i < count; i += 1) {
    const s = pick(i);
    let e = encoded.get(s);
    if (e === undefined) encoded.set(s, (e = encoder.encode(s)));
    bytes += e.length;
    offsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = 0; i < count; i += 1) data.set(encoded.get(pick(i)), offsets[i]);
  return makeVector(makeData({ type: new Utf8(), length: count, nullCount: 0, valueOffsets: offsets, data }));
}

/** `count` ticks with ids `firstId…`, all on `date`; price depends on id and `priceOffset`. */
export function ticks(count, firstId, date, priceOffset = 0) {
  const id = new BigInt64Array(count);
  const price = new Float64Array(count);
  const volume = new BigInt64Array(count);
  const eventTime = new BigInt64Array(count);
  for (let i = 0; i < count; i += 1) {
    const n = firstId + i;
    id[i] = BigInt(n);
    price[i] = 100 + (n % 1000) / 10 + priceOffset;
    volume[i] = BigInt((n % 500) + 1);
    eventTime[i] = BigInt(FIRST_TICK_MS + n);
  }
  return new Table({
    id: makeVector(id),
    symbol: utf8(count, (i) => SYMBOLS[(firstId + i) % SYMBOL_COUNT]),
    price: makeVector(price),
    volume: makeVector(volume),
    event_time: makeVector(
      makeData({ type: new TimestampMillisecond('UTC'), length: count, nullCount: 0, data: eventTime }),
    ),
    date: utf8(count, () => date),
  });
}
