/** Microseconds per unit, as bigint so that event times never pass through a lossy float. */
export const MICROS_PER_MILLI = 1_000n;
export const MICROS_PER_SECOND = 1_000_000n;
const SECONDS_PER_DAY = 86_400;

/** A wall-clock reading with no zone: what a `yyyy-MM-dd HH:mm:ss` string or an ISO-8601 date-time says. */
export interface CivilDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  const THIRTY_DAY_MONTHS = [4, 6, 9, 11];
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return THIRTY_DAY_MONTHS.includes(month) ? 30 : 31;
}

/** Rejects Feb 30, hour 24, second 60 (leap seconds are not representable in Unix time) and friends. */
export function isValidCivil(c: CivilDateTime): boolean {
  return (
    Number.isInteger(c.year) &&
    c.month >= 1 &&
    c.month <= 12 &&
    c.day >= 1 &&
    c.day <= daysInMonth(c.year, c.month) &&
    c.hour >= 0 &&
    c.hour <= 23 &&
    c.minute >= 0 &&
    c.minute <= 59 &&
    c.second >= 0 &&
    c.second <= 59
  );
}

/**
 * Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). Integer arithmetic
 * instead of Date.UTC, which maps years 0..99 to 1900..1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Seconds since the Unix epoch of a civil time read as UTC. Exact: |result| stays far below 2^53. */
export function civilToEpochSeconds(c: CivilDateTime): number {
  return daysFromCivil(c.year, c.month, c.day) * SECONDS_PER_DAY + c.hour * 3600 + c.minute * 60 + c.second;
}
