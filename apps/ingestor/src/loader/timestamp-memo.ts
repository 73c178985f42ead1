import { parseRawTick, type TickParserOptions } from '@lakehouse/domain';

const MICROS_PER_SECOND = 1_000_000;
const FRACTION_DIGITS = 6;
/** `yyyy-MM-ddTHH:mm`: the part of a timestamp a memo entry stands for. */
const MINUTE_PREFIX = 16;
const COLON = 0x3a;
const DOT = 0x2e;
const COMMA = 0x2c;
const ZERO = 0x30;
const SLOTS = 4096;

const enum Fraction {
  None,
  Dot,
  Comma,
}

/** One minute of one timestamp layout: `<prefix>:ss[.fff]<suffix>`, suffix being the offset or nothing. */
interface MinuteEntry {
  readonly prefix: Uint8Array;
  readonly fraction: Fraction;
  readonly suffix: Uint8Array;
  /** Event time of `:00` in this minute, or NaN when the reference parser refused it (or is needed every time). */
  base: number;
  /** Seen once: the next sighting is worth asking the reference parser about the whole minute. */
  sightings: number;
}

/**
 * Event times of timestamp strings exactly as `parseRawTick` computes them, memoised per minute so that a file of
 * intraday ticks asks the reference parser twice per minute rather than once per tick.
 *
 * Invariant: `eventTimeUs` returns what `parseRawTick` would put in `eventTimeUs` for a tick with this timestamp,
 * or NaN (the caller then runs the reference parser on the whole record). Why that holds: both timestamp grammars
 * are fixed-width up to the seconds, so a string splits into a minute prefix, two second digits, a fraction and a
 * suffix (offset) that the grammar checks independently. A minute is learnt by parsing `<prefix>:00<suffix>` and
 * `<prefix>:59<fraction 999999><suffix>` with `parseRawTick` itself: both must be accepted (valid date, offset and
 * fraction separator, and in range at both ends of the minute) and be exactly 59 s (+ 999,999 µs) apart (no zone
 * transition inside the minute). Then `:ss.ffffff` in that minute is the `:00` time plus ss seconds plus the
 * fraction truncated to microseconds, which is what the reference computes. Epoch-millisecond numbers are not
 * memoised (NaN).
 */
export class TimestampMemo {
  private readonly slots: (MinuteEntry | undefined)[] = new Array<MinuteEntry | undefined>(SLOTS);
  private last: MinuteEntry | undefined;
  private readonly encoder = new TextEncoder();

  constructor(private readonly parser: TickParserOptions) {}

  /** The event time of the timestamp string in `bytes[start, end)` (printable ASCII, no quotes), or NaN. */
  eventTimeUs(bytes: Uint8Array, start: number, end: number): number {
    if (end - start < MINUTE_PREFIX + 3 || bytes[start + MINUTE_PREFIX] !== COLON) return NaN;
    const tens = bytes[start + MINUTE_PREFIX + 1]! - ZERO;
    const units = bytes[start + MINUTE_PREFIX + 2]! - ZERO;
    if (tens < 0 || tens > 5 || units < 0 || units > 9) return NaN;
    let at = start + MINUTE_PREFIX + 3;
    let fraction = Fraction.None;
    let micros = 0;
    if (at < end && (bytes[at] === DOT || bytes[at] === COMMA)) {
      fraction = bytes[at] === DOT ? Fraction.Dot : Fraction.Comma;
      const digitsFrom = ++at;
      for (; at < end; at++) {
        const digit = bytes[at]! - ZERO;
        if (digit < 0 || digit > 9) break;
        if (at - digitsFrom < FRACTION_DIGITS) micros = micros * 10 + digit;
      }
      const digits = at - digitsFrom;
      if (digits === 0) return NaN;
      for (let d = digits; d < FRACTION_DIGITS; d++) micros *= 10;
    }
    const entry = this.entryOf(bytes, start, fraction, at, end);
    // A minute seen once may be the only tick in it (daily bars): learning it would cost two reference parses.
    if (Number.isNaN(entry.base) && ++entry.sightings === 2) entry.base = this.learn(entry);
    return entry.base + (tens * 10 + units) * MICROS_PER_SECOND + micros;
  }

  private entryOf(
    bytes: Uint8Array,
    start: number,
    fraction: Fraction,
    suffixStart: number,
    end: number,
  ): MinuteEntry {
    const last = this.last;
    if (last !== undefined && matches(last, bytes, start, fraction, suffixStart, end)) return last;
    let hash = 0x811c9dc5 ^ fraction;
    for (let i = start; i < start + MINUTE_PREFIX; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    for (let i = suffixStart; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const slot = (hash >>> 0) % SLOTS;
    let entry = this.slots[slot];
    if (entry === undefined || !matches(entry, bytes, start, fraction, suffixStart, end)) {
      entry = {
        prefix: bytes.slice(start, start + MINUTE_PREFIX),
        fraction,
        suffix: bytes.slice(suffixStart, end),
        base: NaN,
        sightings: 0,
      };
      this.slots[slot] = entry;
    }
    this.last = entry;
    return entry;
  }

  private learn(entry: MinuteEntry): number {
    const decoder = new TextDecoder();
    const prefix = decoder.decode(entry.prefix);
    const suffix = decoder.decode(entry.suffix);
    const lastFraction =
      entry.fraction === Fraction.None ? '' : entry.fraction === Fraction.Dot ? '.999999' : ',999999';
    const first = this.reference(`${prefix}:00${suffix}`);
    const last = this.reference(`${prefix}:59${lastFraction}${suffix}`);
    const span = 59 * MICROS_PER_SECOND + (entry.fraction === Fraction.None ? 0 : MICROS_PER_SECOND - 1);
    return last - first === span ? first : NaN;
  }

  /** What `parseRawTick` makes of a tick with this timestamp, as a safe integer, or NaN. */
  private reference(timestamp: string): number {
    const payload = JSON.stringify({ symbol: 'P', price: 0, volume: 0, timestamp });
    const parsed = parseRawTick(this.encoder.encode(payload), this.parser);
    if (!parsed.ok) return NaN;
    const micros = Number(parsed.tick.eventTimeUs);
    return Number.isSafeInteger(micros) ? micros : NaN;
  }
}

function matches(
  entry: MinuteEntry,
  bytes: Uint8Array,
  start: number,
  fraction: Fraction,
  suffixStart: number,
  end: number,
): boolean {
  if (entry.fraction !== fraction || entry.suffix.length !== end - suffixStart) return false;
  const prefix = entry.prefix;
  for (let i = MINUTE_PREFIX - 1; i >= 0; i--) if (prefix[i] !== bytes[start + i]) return false;
  const suffix = entry.suffix;
  for (let i = 0; i < suffix.length; i++) if (suffix[i] !== bytes[suffixStart + i]) return false;
  return true;
}
