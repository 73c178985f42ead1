import {
  CivilDateTime,
  MICROS_PER_MILLI,
  MICROS_PER_SECOND,
  civilToEpochSeconds,
  isValidCivil,
} from './civil-time.util';
import { zonedCivilToEpochSeconds } from './exchange-time-zone.util';
import { ResolvedTickParserOptions } from './tick-parser.options';
import { TickRejectReason } from './tick-reject.codes';

export type TimestampResult =
  | { readonly ok: true; readonly eventTimeUs: bigint }
  | { readonly ok: false; readonly reason: TickRejectReason };

const FIELD = 'timestamp';
const MICRO_DIGITS = 6;
const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;
// RFC 3339 date-time: `T` or a space between date and time, seconds required, any fraction, `Z` or ±hh:mm / ±hhmm.
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
// The historical files' exchange-local format; no offset, so it needs the configured exchange zone.
const EXCHANGE_LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const MAX_OFFSET_HOURS = 23;
const MAX_OFFSET_MINUTES = 59;

function unparseable(message: string): TimestampResult {
  return { ok: false, reason: { code: 'TIMESTAMP_UNPARSEABLE', field: FIELD, message } };
}

function civilOf(m: RegExpExecArray): CivilDateTime {
  const n = (i: number): number => Number(m[i]);
  return { year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) };
}

/** Sub-second digits truncated to microseconds: nanosecond feeds lose their last three digits, never a second. */
function fractionMicros(digits: string | undefined): bigint {
  if (digits === undefined) return 0n;
  return BigInt(digits.slice(0, MICRO_DIGITS).padEnd(MICRO_DIGITS, '0'));
}

function inRange(eventTimeUs: bigint, options: ResolvedTickParserOptions): TimestampResult {
  if (eventTimeUs < options.minEventTimeUs || eventTimeUs >= options.maxEventTimeUs) {
    return {
      ok: false,
      reason: {
        code: 'TIMESTAMP_OUT_OF_RANGE',
        field: FIELD,
        message: `event time ${eventTimeUs} µs is outside [${options.minEventTimeUs}, ${options.maxEventTimeUs})`,
      },
    };
  }
  return { ok: true, eventTimeUs };
}

function parseEpochMillis(millis: number, options: ResolvedTickParserOptions): TimestampResult {
  if (!Number.isFinite(millis)) {
    return {
      ok: false,
      reason: { code: 'NON_FINITE_NUMBER', field: FIELD, message: 'timestamp is not finite' },
    };
  }
  // Split before scaling so that the integer milliseconds stay exact; only the sub-millisecond part is rounded.
  const whole = Math.floor(millis);
  const micros =
    BigInt(whole) * MICROS_PER_MILLI + BigInt(Math.round((millis - whole) * Number(MICROS_PER_MILLI)));
  return inRange(micros, options);
}

function parseIso(m: RegExpExecArray, options: ResolvedTickParserOptions): TimestampResult {
  const civil = civilOf(m);
  if (!isValidCivil(civil)) return unparseable(`no such date-time: ${m[0]}`);
  let offsetSeconds = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > MAX_OFFSET_HOURS || offsetMinutes > MAX_OFFSET_MINUTES) {
      return unparseable(`invalid UTC offset in ${m[0]}`);
    }
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const epochSeconds = civilToEpochSeconds(civil) - offsetSeconds;
  return inRange(BigInt(epochSeconds) * MICROS_PER_SECOND + fractionMicros(m[7]), options);
}

function parseExchangeLocal(m: RegExpExecArray, options: ResolvedTickParserOptions): TimestampResult {
  const civil = civilOf(m);
  if (!isValidCivil(civil)) return unparseable(`no such date-time: ${m[0]}`);
  if (options.exchangeTimeZone === undefined) {
    return unparseable('exchange-local timestamp but no exchange time zone is configured');
  }
  // Intl cannot format instants beyond ±8.64e15 ms: settle far-out wall times before asking it. No zone is more
  // than a day from UTC, so a wall time a day outside the bounds is out of range whatever the offset.
  const wallUs = BigInt(civilToEpochSeconds(civil)) * MICROS_PER_SECOND;
  if (wallUs < options.minEventTimeUs - MICROS_PER_DAY || wallUs >= options.maxEventTimeUs + MICROS_PER_DAY) {
    return inRange(wallUs, options);
  }
  const epochSeconds = zonedCivilToEpochSeconds(civil, options.exchangeTimeZone);
  return inRange(BigInt(epochSeconds) * MICROS_PER_SECOND + fractionMicros(m[7]), options);
}

/**
 * Turns a JSON `timestamp` value into UTC microseconds: epoch milliseconds (number), ISO-8601 / RFC 3339 with an
 * offset, or exchange-local `yyyy-MM-dd HH:mm:ss[.fff]` read in `options.exchangeTimeZone`.
 */
export function parseTickTimestamp(value: unknown, options: ResolvedTickParserOptions): TimestampResult {
  if (typeof value === 'number') return parseEpochMillis(value, options);
  if (typeof value !== 'string') {
    return {
      ok: false,
      reason: { code: 'WRONG_TYPE', field: FIELD, message: 'timestamp must be a string or a number' },
    };
  }
  const iso = ISO_WITH_OFFSET.exec(value);
  if (iso) return parseIso(iso, options);
  const local = EXCHANGE_LOCAL.exec(value);
  if (local) return parseExchangeLocal(local, options);
  return unparseable(`unrecognised timestamp format: ${JSON.stringify(value.slice(0, 64))}`);
}
