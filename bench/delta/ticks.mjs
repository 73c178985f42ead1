// Tick rows built in JS, the same shape and values as ticks.py builds in Python.
import { Float64, Int64, Table, TimestampMillisecond, Utf8, vectorFromArray, makeVector } from 'apache-arrow';

export const SYMBOL_COUNT = 50;
export const SYMBOLS = Array.from({ length: SYMBOL_COUNT }, (_, i) => `SYM${String(i).padStart(3, '0')}`);
export const FIRST_TICK_MS = Date.UTC(2024, 0, 2, 14, 30);
export const FIRST_DATE_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the `index`-th trading date of the fixtures. */
export function dateOf(index) {
  return new Date(FIRST_DATE_MS + index * DAY_MS).toISOString().slice(0, 10);
}

/** `count` ticks with ids `firstId…`, all on `date`; price depends on id and `priceOffset`. */
export function ticks(count, firstId, date, priceOffset = 0) {
  const id = new BigInt64Array(count);
  const price = new Float64Array(count);
  const volume = new BigInt64Array(count);
  const eventTime = new Float64Array(count);
  const symbol = new Array(count);
  const dates = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const n = firstId + i;
    id[i] = BigInt(n);
    price[i] = 100 + (n % 1000) / 10 + priceOffset;
    volume[i] = BigInt((n % 500) + 1);
    eventTime[i] = FIRST_TICK_MS + n;
    symbol[i] = SYMBOLS[n % SYMBOL_COUNT];
    dates[i] = date;
  }
  return new Table({
    id: makeVector(id),
    symbol: vectorFromArray(symbol, new Utf8()),
    price: makeVector(price),
    volume: makeVector(volume),
    event_time: vectorFromArray(Array.from(eventTime), new TimestampMillisecond('UTC')),
    date: vectorFromArray(dates, new Utf8()),
  });
}

export { Float64, Int64 };
