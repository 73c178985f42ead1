import { SilverTick } from '../tick/silver-tick.schema';

const MICROS_PER_MINUTE = 60_000_000n;

/** OHLCV of one symbol over one UTC minute [minuteStartUs, minuteStartUs + 60 s). */
export interface MinuteBar {
  readonly symbol: string;
  readonly minuteStartUs: bigint;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly tickCount: number;
  /** Event times of the ticks that set open and close: what lets partial bars merge correctly. */
  readonly firstEventTimeUs: bigint;
  readonly lastEventTimeUs: bigint;
}

/** Start of the UTC minute holding `eventTimeUs` (floor, also before 1970). */
export function minuteStartOf(eventTimeUs: bigint): bigint {
  const remainder = eventTimeUs % MICROS_PER_MINUTE;
  return eventTimeUs - (remainder < 0n ? remainder + MICROS_PER_MINUTE : remainder);
}

function barOf(tick: SilverTick): MinuteBar {
  return {
    symbol: tick.symbol,
    minuteStartUs: minuteStartOf(tick.eventTimeUs),
    open: tick.price,
    high: tick.price,
    low: tick.price,
    close: tick.price,
    volume: tick.volume,
    tickCount: 1,
    firstEventTimeUs: tick.eventTimeUs,
    lastEventTimeUs: tick.eventTimeUs,
  };
}

/**
 * Merges two partial bars of the same symbol and minute, `earlier` holding ticks that arrived first. Open is the
 * price at the earliest event time and close at the latest; among equal event times, arrival order decides (the
 * first arrival opens, the last closes). So merging the bars of consecutive batches gives the bar of the whole.
 *
 * @throws RangeError when the bars are for different symbols or minutes
 */
export function mergeMinuteBars(earlier: MinuteBar, later: MinuteBar): MinuteBar {
  if (earlier.symbol !== later.symbol || earlier.minuteStartUs !== later.minuteStartUs) {
    throw new RangeError('only bars of the same symbol and minute merge');
  }
  const opensLater = later.firstEventTimeUs < earlier.firstEventTimeUs;
  const closesLater = later.lastEventTimeUs >= earlier.lastEventTimeUs;
  return {
    symbol: earlier.symbol,
    minuteStartUs: earlier.minuteStartUs,
    open: opensLater ? later.open : earlier.open,
    high: Math.max(earlier.high, later.high),
    low: Math.min(earlier.low, later.low),
    close: closesLater ? later.close : earlier.close,
    volume: earlier.volume + later.volume,
    tickCount: earlier.tickCount + later.tickCount,
    firstEventTimeUs: opensLater ? later.firstEventTimeUs : earlier.firstEventTimeUs,
    lastEventTimeUs: closesLater ? later.lastEventTimeUs : earlier.lastEventTimeUs,
  };
}

const keyOf = (bar: Pick<MinuteBar, 'symbol' | 'minuteStartUs'>): string =>
  `${bar.minuteStartUs}|${bar.symbol}`;

function compareBars(a: MinuteBar, b: MinuteBar): number {
  if (a.symbol !== b.symbol) return a.symbol < b.symbol ? -1 : 1;
  return a.minuteStartUs < b.minuteStartUs ? -1 : a.minuteStartUs > b.minuteStartUs ? 1 : 0;
}

/**
 * Merges partial bars: `earlier` from ticks that arrived before those of `later` (e.g. the bars Gold already holds
 * and those of the next micro-batch). Returns one bar per (symbol, minute), sorted by symbol then minute.
 */
export function mergeMinuteBarSets(earlier: Iterable<MinuteBar>, later: Iterable<MinuteBar>): MinuteBar[] {
  const bars = new Map<string, MinuteBar>();
  for (const bar of earlier) {
    const existing = bars.get(keyOf(bar));
    bars.set(keyOf(bar), existing === undefined ? bar : mergeMinuteBars(existing, bar));
  }
  for (const bar of later) {
    const existing = bars.get(keyOf(bar));
    bars.set(keyOf(bar), existing === undefined ? bar : mergeMinuteBars(existing, bar));
  }
  return [...bars.values()].sort(compareBars);
}

/**
 * 1-minute OHLCV bars of a batch of ticks (any symbols, in arrival order), sorted by symbol then minute. Bars are
 * set by event time, not arrival order, so a late tick still lands in its own minute (Gold merges it into the
 * stored bar with {@link mergeMinuteBarSets}).
 */
export function aggregateMinuteBars(ticks: Iterable<SilverTick>): MinuteBar[] {
  const bars = new Map<string, MinuteBar>();
  for (const tick of ticks) {
    const bar = barOf(tick);
    const existing = bars.get(keyOf(bar));
    bars.set(keyOf(bar), existing === undefined ? bar : mergeMinuteBars(existing, bar));
  }
  return [...bars.values()].sort(compareBars);
}
