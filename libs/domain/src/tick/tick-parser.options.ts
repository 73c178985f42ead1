import { MICROS_PER_SECOND } from './civil-time.util';

/** 1900-01-01T00:00:00Z: older than any exchange-traded price history the lake will hold. */
export const DEFAULT_MIN_EVENT_TIME_US = -2_208_988_800n * MICROS_PER_SECOND;
/** 2200-01-01T00:00:00Z (exclusive): far enough for any live feed, near enough to catch garbage like year 9999. */
export const DEFAULT_MAX_EVENT_TIME_US = 7_258_118_400n * MICROS_PER_SECOND;
/** A tick is a few hundred bytes; 16 KiB leaves room for vendor extras while refusing abuse. */
export const DEFAULT_MAX_TICK_BYTES = 16 * 1024;

export interface TickParserOptions {
  /** Payloads longer than this many bytes are rejected before decoding. Default 16 KiB. */
  readonly maxBytes?: number;
  /**
   * IANA zone (e.g. `America/New_York`) in which exchange-local `yyyy-MM-dd HH:mm:ss` timestamps are read. Without
   * it such timestamps are unparseable. Check it once at boot with `assertTimeZone`.
   */
  readonly exchangeTimeZone?: string;
  /** Earliest accepted event time, inclusive, UTC µs. Default 1900-01-01T00:00:00Z. */
  readonly minEventTimeUs?: bigint;
  /** Latest accepted event time, exclusive, UTC µs. Default 2200-01-01T00:00:00Z. */
  readonly maxEventTimeUs?: bigint;
}

export interface ResolvedTickParserOptions {
  readonly maxBytes: number;
  readonly exchangeTimeZone: string | undefined;
  readonly minEventTimeUs: bigint;
  readonly maxEventTimeUs: bigint;
}

export function resolveTickParserOptions(options: TickParserOptions = {}): ResolvedTickParserOptions {
  return {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_TICK_BYTES,
    exchangeTimeZone: options.exchangeTimeZone,
    minEventTimeUs: options.minEventTimeUs ?? DEFAULT_MIN_EVENT_TIME_US,
    maxEventTimeUs: options.maxEventTimeUs ?? DEFAULT_MAX_EVENT_TIME_US,
  };
}
