import { CivilDateTime, civilToEpochSeconds } from './civil-time.util';

const SECONDS_PER_DAY = 86_400;
const MILLIS_PER_SECOND = 1000;

// Building an Intl.DateTimeFormat costs far more than using one; a parser sees few distinct zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Throws a RangeError for a name the runtime's time-zone database does not know. Call it when configuration is
 * loaded: a bad zone is a deployment error, not a bad tick.
 */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

const SECONDS_PER_HOUR = 3600;
const MAX_CACHED_HOURS_PER_ZONE = 50_000;
// Offsets by UTC hour, for hours without a transition inside them. Intl dominates the cost of parsing exchange-local
// timestamps, and a file of ticks asks about the same few hours over and over.
const offsetsByHour = new Map<string, Map<number, number>>();

/** The zone's UTC offset in seconds (local − UTC) at an instant given in epoch seconds. */
export function utcOffsetSeconds(timeZone: string, epochSeconds: number): number {
  const hour = Math.floor(epochSeconds / SECONDS_PER_HOUR);
  let cache = offsetsByHour.get(timeZone);
  const cached = cache?.get(hour);
  if (cached !== undefined) return cached;
  const start = hour * SECONDS_PER_HOUR;
  const atStart = intlOffsetSeconds(timeZone, start);
  // Same offset at both ends of the hour: no transition inside it (zones never change twice within an hour).
  if (atStart !== intlOffsetSeconds(timeZone, start + SECONDS_PER_HOUR - 1)) {
    return intlOffsetSeconds(timeZone, epochSeconds);
  }
  if (cache === undefined || cache.size >= MAX_CACHED_HOURS_PER_ZONE) {
    cache = new Map();
    offsetsByHour.set(timeZone, cache);
  }
  cache.set(hour, atStart);
  return atStart;
}

function intlOffsetSeconds(timeZone: string, epochSeconds: number): number {
  const parts = formatterFor(timeZone).formatToParts(epochSeconds * MILLIS_PER_SECOND);
  const field = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const yearOfEra = Number(field('year'));
  const year = field('era') === 'BC' ? 1 - yearOfEra : yearOfEra;
  const local = civilToEpochSeconds({
    year,
    month: Number(field('month')),
    day: Number(field('day')),
    hour: Number(field('hour')),
    minute: Number(field('minute')),
    second: Number(field('second')),
  });
  return local - epochSeconds;
}

/**
 * Epoch seconds of a wall-clock time read in `timeZone`, resolving daylight-saving edges like Temporal's
 * `disambiguation: 'compatible'`: a time repeated when clocks fall back takes the earlier instant (the first
 * occurrence); a time skipped when clocks spring forward is moved forward by the gap (02:30 → 03:30 in New York).
 */
export function zonedCivilToEpochSeconds(civil: CivilDateTime, timeZone: string): number {
  const wall = civilToEpochSeconds(civil);
  // Offsets a day either side bracket any single transition: real zones never change twice within two days.
  const offsetBefore = utcOffsetSeconds(timeZone, wall - SECONDS_PER_DAY);
  const offsetAfter = utcOffsetSeconds(timeZone, wall + SECONDS_PER_DAY);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (instant) => instant + utcOffsetSeconds(timeZone, instant) === wall,
  );
  if (candidates.length === 0) return wall - offsetBefore;
  return Math.min(...candidates);
}
