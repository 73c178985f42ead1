import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SilverTick } from '../tick/silver-tick.schema';
import {
  MinuteBar,
  aggregateMinuteBars,
  mergeMinuteBarSets,
  mergeMinuteBars,
  minuteStartOf,
} from './minute-bar.util';

const SECOND_US = 1_000_000n;
const MINUTE_US = 60n * SECOND_US;
const T0 = 1_704_205_800n * SECOND_US; // 2024-01-02T14:30:00Z, a minute boundary
let nextId = 0;
const tick = (symbol: string, secondsAfterT0: number, price: number, volume: number): SilverTick => ({
  eventId: `e${(nextId += 1)}`,
  symbol,
  eventTimeUs: T0 + BigInt(secondsAfterT0) * SECOND_US,
  price,
  volume,
});

describe('aggregateMinuteBars', () => {
  it('builds one OHLCV bar per symbol and minute', () => {
    const ticks = [
      tick('AAPL', 0, 10, 1),
      tick('AAPL', 20, 12, 2),
      tick('MSFT', 30, 50, 5),
      tick('AAPL', 40, 9, 3),
      tick('AAPL', 59, 11, 4),
      tick('AAPL', 60, 13, 6),
    ];
    const bars = aggregateMinuteBars(ticks);
    assert.deepEqual(
      bars.map((b) => [
        b.symbol,
        b.minuteStartUs - T0,
        b.open,
        b.high,
        b.low,
        b.close,
        b.volume,
        b.tickCount,
      ]),
      [
        ['AAPL', 0n, 10, 12, 9, 11, 10, 4],
        ['AAPL', MINUTE_US, 13, 13, 13, 13, 6, 1],
        ['MSFT', 0n, 50, 50, 50, 50, 5, 1],
      ],
    );
  });

  it('places a late tick in its own minute and opens the bar with it when it is the earliest', () => {
    const bars = aggregateMinuteBars([tick('AAPL', 30, 10, 1), tick('AAPL', 5, 8, 1)]);
    assert.equal(bars.length, 1);
    assert.equal(bars[0]?.open, 8);
    assert.equal(bars[0]?.close, 10);
  });

  it('lets the first arrival open and the last arrival close among equal event times', () => {
    const bars = aggregateMinuteBars([
      tick('AAPL', 10, 1, 1),
      tick('AAPL', 10, 2, 1),
      tick('AAPL', 10, 3, 1),
    ]);
    assert.equal(bars[0]?.open, 1);
    assert.equal(bars[0]?.close, 3);
  });

  it('floors event times before 1970 to the start of their minute', () => {
    const ONE_SECOND_BEFORE_EPOCH = -SECOND_US;
    assert.equal(minuteStartOf(ONE_SECOND_BEFORE_EPOCH), -MINUTE_US);
    assert.equal(minuteStartOf(-MINUTE_US), -MINUTE_US);
    assert.equal(minuteStartOf(MINUTE_US - 1n), 0n);
  });

  it('refuses to merge bars of different minutes', () => {
    const [a, b] = aggregateMinuteBars([tick('AAPL', 0, 1, 1), tick('AAPL', 60, 1, 1)]) as [
      MinuteBar,
      MinuteBar,
    ];
    assert.throws(() => mergeMinuteBars(a, b), RangeError);
  });

  it('gives the same bars whether the ticks come in one batch or several merged ones', () => {
    const ticks = fc.array(
      fc.record({
        symbol: fc.constantFrom('A', 'B'),
        seconds: fc.integer({ min: -30, max: 200 }),
        price: fc.double({ min: 0.01, max: 100, noNaN: true }),
        volume: fc.integer({ min: 0, max: 1000 }),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(ticks, fc.array(fc.nat(), { maxLength: 6 }), (raw, splits) => {
        const series = raw.map((t) => tick(t.symbol, t.seconds, t.price, t.volume));
        const cuts = [...new Set(splits.map((s) => s % (series.length + 1)))].sort((a, b) => a - b);
        let merged: MinuteBar[] = [];
        let from = 0;
        for (const cut of [...cuts, series.length]) {
          merged = mergeMinuteBarSets(merged, aggregateMinuteBars(series.slice(from, cut)));
          from = cut;
        }
        assert.deepEqual(merged, aggregateMinuteBars(series));
      }),
    );
  });
});
