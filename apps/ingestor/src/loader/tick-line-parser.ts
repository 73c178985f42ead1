import { DEFAULT_MAX_TICK_BYTES, type TickParserOptions } from '@lakehouse/domain';
import { TimestampMemo } from './timestamp-memo';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_N = 0x6e;
const PRINTABLE_FROM = 0x20;
const ASCII_END = 0x80;
/** Below 10^15 a decimal mantissa is an exact double, and one division by an exact 10^k rounds correctly. */
const MAX_MANTISSA_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_MANTISSA_DIGITS + 1 }, (_, k) => 10 ** k);

const enum Field {
  Symbol = 1,
  Price = 2,
  Volume = 4,
  Timestamp = 8,
  TradeId = 16,
  Bid = 32,
  Ask = 64,
  Exchange = 128,
}
const REQUIRED = Field.Symbol | Field.Price | Field.Volume | Field.Timestamp;

/**
 * The loader's fast path for one record: a byte-level reader of the tick shape files actually hold (an object of
 * the contract's fields, ASCII, no escapes, plain decimals) that fills its public fields without allocating.
 *
 * Invariant: `parse` returns true only for a record `parseRawTick` accepts, and then the fields hold exactly the tick
 * it would build (strings as byte ranges of the record, the event time as a safe integer). Anything else — a reject,
 * an unknown or repeated key, an escape, a non-ASCII byte, an exponent, more than 15 digits, an epoch-millisecond
 * or not yet memoised timestamp — returns false, and the caller runs the reference parser. Numbers are exact because
 * a mantissa below 10^15 over an exact power of ten is one correctly rounded division, as in `JSON.parse`.
 */
export class TickLineParser {
  symbolStart = 0;
  symbolEnd = 0;
  price = 0;
  volume = 0;
  eventTimeUs = 0;
  /** -1 when absent. A numeric trade id is its own digits, which is the decimal string the reference makes. */
  tradeIdStart = -1;
  tradeIdEnd = -1;
  /** NaN when absent (a present bid or ask is finite). */
  bid = NaN;
  ask = NaN;
  /** -1 when absent. */
  exchangeStart = -1;
  exchangeEnd = -1;

  private readonly maxBytes: number;
  private readonly timestamps: TimestampMemo;
  /** Where the last string or number read ended (exclusive), and a string's content range. */
  private at = 0;
  private stringStart = 0;
  private stringEnd = 0;
  private number = 0;

  constructor(options: TickParserOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_TICK_BYTES;
    this.timestamps = new TimestampMemo(options);
  }

  parse(b: Uint8Array, start: number, end: number): boolean {
    if (end - start > this.maxBytes) return false;
    this.tradeIdStart = this.tradeIdEnd = this.exchangeStart = this.exchangeEnd = -1;
    this.bid = this.ask = NaN;
    // Every read is checked against `end`: a block's next record starts right after it.
    let i = skipSpace(b, start, end);
    if (i >= end || b[i] !== OPEN_BRACE) return false;
    let seen = 0;
    i = skipSpace(b, i + 1, end);
    for (;;) {
      if (i >= end || b[i] !== QUOTE || !this.readString(b, i, end)) return false;
      const field = fieldOf(b, this.stringStart, this.stringEnd);
      if (field === 0 || (seen & field) !== 0) return false;
      seen |= field;
      i = skipSpace(b, this.at, end);
      if (i >= end || b[i] !== COLON) return false;
      i = skipSpace(b, i + 1, end);
      if (i >= end || !this.readValue(field, b, i, end)) return false;
      i = skipSpace(b, this.at, end);
      if (i < end && b[i] === COMMA) i = skipSpace(b, i + 1, end);
      else if (i < end && b[i] === CLOSE_BRACE) break;
      else return false;
    }
    return skipSpace(b, i + 1, end) === end && (seen & REQUIRED) === REQUIRED;
  }

  private readValue(field: Field, b: Uint8Array, i: number, end: number): boolean {
    const first = b[i]!;
    if (first === LOWER_N) {
      // `null` is an absent optional field; a required one is a reject the reference reports.
      if (field & REQUIRED || end - i < 4 || b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c)
        return false;
      this.at = i + 4;
      return true;
    }
    switch (field) {
      case Field.Symbol:
      case Field.Exchange:
        if (first !== QUOTE || !this.readString(b, i, end)) return false;
        if (field === Field.Symbol) {
          this.symbolStart = this.stringStart;
          this.symbolEnd = this.stringEnd;
        } else {
          this.exchangeStart = this.stringStart;
          this.exchangeEnd = this.stringEnd;
        }
        return true;
      case Field.Timestamp: {
        if (first !== QUOTE || !this.readString(b, i, end)) return false;
        this.eventTimeUs = this.timestamps.eventTimeUs(b, this.stringStart, this.stringEnd);
        return !Number.isNaN(this.eventTimeUs);
      }
      case Field.TradeId:
        if (first === QUOTE) {
          if (!this.readString(b, i, end)) return false;
        } else {
          // An integer: no fraction or exponent (1.0 would become "1"), and never -0 (which becomes "0").
          if (!this.readNumber(b, i, end) || hasFractionOrMinusZero(b, i, this.at)) return false;
          this.stringStart = i;
          this.stringEnd = this.at;
        }
        this.tradeIdStart = this.stringStart;
        this.tradeIdEnd = this.stringEnd;
        return true;
      case Field.Price:
      case Field.Volume:
      case Field.Bid:
      case Field.Ask:
        if (!this.readNumber(b, i, end)) return false;
        if (field === Field.Price) this.price = this.number;
        else if (field === Field.Volume) this.volume = this.number;
        else if (field === Field.Bid) this.bid = this.number;
        else this.ask = this.number;
        return true;
    }
  }

  /** A string of printable ASCII without escapes, starting at the quote `b[i]`. */
  private readString(b: Uint8Array, i: number, end: number): boolean {
    const from = i + 1;
    for (let k = from; k < end; k++) {
      const byte = b[k]!;
      if (byte === QUOTE) {
        this.stringStart = from;
        this.stringEnd = k;
        this.at = k + 1;
        return true;
      }
      if (byte === BACKSLASH || byte < PRINTABLE_FROM || byte >= ASCII_END) return false;
    }
    return false;
  }

  /** A JSON number without exponent and with at most 15 digits. */
  private readNumber(b: Uint8Array, i: number, end: number): boolean {
    let k = i;
    const negative = b[k] === MINUS;
    if (negative) k++;
    const intFrom = k;
    let mantissa = 0;
    for (; k < end && b[k]! >= ZERO && b[k]! <= NINE; k++) mantissa = mantissa * 10 + (b[k]! - ZERO);
    const intDigits = k - intFrom;
    // JSON has no leading zeros ("01") and no bare sign.
    if (intDigits === 0 || (intDigits > 1 && b[intFrom] === ZERO)) return false;
    let fractionDigits = 0;
    if (k < end && b[k] === DOT) {
      const fractionFrom = ++k;
      for (; k < end && b[k]! >= ZERO && b[k]! <= NINE; k++) mantissa = mantissa * 10 + (b[k]! - ZERO);
      fractionDigits = k - fractionFrom;
      if (fractionDigits === 0) return false;
    }
    if (intDigits + fractionDigits > MAX_MANTISSA_DIGITS) return false;
    if (k < end && (b[k] === 0x65 || b[k] === 0x45)) return false; // an exponent: the reference parser's job
    const magnitude = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits]!;
    this.number = negative ? -magnitude : magnitude;
    this.at = k;
    return true;
  }
}

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const byte = b[i]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
    i++;
  }
  return i;
}

function hasFractionOrMinusZero(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (b[k] === DOT) return true;
  return b[start] === MINUS && end - start === 2 && b[start + 1] === ZERO;
}

/** The contract field a key names, or 0 for any other key. */
function fieldOf(b: Uint8Array, start: number, end: number): Field | 0 {
  switch (end - start) {
    case 3:
      if (is(b, start, 'bid')) return Field.Bid;
      if (is(b, start, 'ask')) return Field.Ask;
      return 0;
    case 5:
      return is(b, start, 'price') ? Field.Price : 0;
    case 6:
      if (is(b, start, 'symbol')) return Field.Symbol;
      if (is(b, start, 'volume')) return Field.Volume;
      return 0;
    case 8:
      if (is(b, start, 'trade_id')) return Field.TradeId;
      if (is(b, start, 'exchange')) return Field.Exchange;
      return 0;
    case 9:
      return is(b, start, 'timestamp') ? Field.Timestamp : 0;
    default:
      return 0;
  }
}

function is(b: Uint8Array, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (b[start + k] !== word.charCodeAt(k)) return false;
  return true;
}
