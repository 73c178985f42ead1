import { RawTick, TICK_FIELDS_V1, TICK_SCHEMA_VERSION, TickFieldName } from './tick-contract.schema';
import {
  ResolvedTickParserOptions,
  TickParserOptions,
  resolveTickParserOptions,
} from './tick-parser.options';
import { TickRejectReason } from './tick-reject.codes';
import { parseTickTimestamp } from './tick-timestamp.parser';
import { isWellFormedUnicode } from './well-formed-unicode.util';

/**
 * Outcome of parsing one payload. `raw` is the decoded payload text, kept so that Bronze can store it verbatim and
 * the dead-letter path can forward it; it is absent only when the bytes could not be decoded (too large, not
 * UTF-8), where the caller still holds the original bytes.
 */
export type TickParseResult =
  | { readonly ok: true; readonly tick: RawTick; readonly raw: string }
  | { readonly ok: false; readonly reason: TickRejectReason; readonly raw?: string };

type FieldResult<T> = { ok: true; value: T | undefined } | { ok: false; reason: TickRejectReason };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function reject(
  code: TickRejectReason['code'],
  message: string,
  field?: string,
): { ok: false; reason: TickRejectReason } {
  return { ok: false, reason: field === undefined ? { code, message } : { code, message, field } };
}

function readField(obj: Record<string, unknown>, name: TickFieldName): FieldResult<unknown> {
  const value = obj[name];
  if (value === undefined || value === null) {
    return TICK_FIELDS_V1[name].required
      ? reject('MISSING_FIELD', `${name} is required`, name)
      : { ok: true, value: undefined };
  }
  return { ok: true, value };
}

function wellFormed(value: string, name: TickFieldName): FieldResult<string> {
  if (!isWellFormedUnicode(value))
    return reject('INVALID_UNICODE', `${name} holds an unpaired surrogate`, name);
  return { ok: true, value };
}

function readString(obj: Record<string, unknown>, name: TickFieldName): FieldResult<string> {
  const field = readField(obj, name);
  if (!field.ok || field.value === undefined) return field as FieldResult<string>;
  if (typeof field.value !== 'string') return reject('WRONG_TYPE', `${name} must be a string`, name);
  return wellFormed(field.value, name);
}

function readNumber(obj: Record<string, unknown>, name: TickFieldName): FieldResult<number> {
  const field = readField(obj, name);
  if (!field.ok || field.value === undefined) return field as FieldResult<number>;
  if (typeof field.value !== 'number') return reject('WRONG_TYPE', `${name} must be a number`, name);
  // JSON has no NaN, but `1e999` parses to Infinity, which no Parquet column should hold.
  if (!Number.isFinite(field.value)) return reject('NON_FINITE_NUMBER', `${name} is not finite`, name);
  return { ok: true, value: field.value };
}

/** Feeds disagree on whether trade ids are strings or integers; both become the same string. */
function readTradeId(obj: Record<string, unknown>): FieldResult<string> {
  const field = readField(obj, 'trade_id');
  if (!field.ok || field.value === undefined) return field as FieldResult<string>;
  if (typeof field.value === 'string') return wellFormed(field.value, 'trade_id');
  if (typeof field.value === 'number' && Number.isSafeInteger(field.value)) {
    return { ok: true, value: String(field.value) };
  }
  return reject('WRONG_TYPE', 'trade_id must be a string or a safe integer', 'trade_id');
}

function tickFromJson(
  value: unknown,
  options: ResolvedTickParserOptions,
): { ok: true; tick: RawTick } | { ok: false; reason: TickRejectReason } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('NOT_AN_OBJECT', 'payload must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  // Checked in contract order so that a payload with several faults always reports the same one.
  const symbol = readString(obj, 'symbol');
  if (!symbol.ok) return symbol;
  const price = readNumber(obj, 'price');
  if (!price.ok) return price;
  const volume = readNumber(obj, 'volume');
  if (!volume.ok) return volume;
  const timestampField = readField(obj, 'timestamp');
  if (!timestampField.ok) return timestampField;
  const timestamp = parseTickTimestamp(timestampField.value, options);
  if (!timestamp.ok) return timestamp;
  const tradeId = readTradeId(obj);
  if (!tradeId.ok) return tradeId;
  const bid = readNumber(obj, 'bid');
  if (!bid.ok) return bid;
  const ask = readNumber(obj, 'ask');
  if (!ask.ok) return ask;
  const exchange = readString(obj, 'exchange');
  if (!exchange.ok) return exchange;

  const tick: RawTick = {
    schemaVersion: TICK_SCHEMA_VERSION,
    symbol: symbol.value as string,
    price: price.value as number,
    volume: volume.value as number,
    eventTimeUs: timestamp.eventTimeUs,
    ...(tradeId.value !== undefined && { tradeId: tradeId.value }),
    ...(bid.value !== undefined && { bid: bid.value }),
    ...(ask.value !== undefined && { ask: ask.value }),
    ...(exchange.value !== undefined && { exchange: exchange.value }),
  };
  return { ok: true, tick };
}

function parseText(raw: string, options: ResolvedTickParserOptions): TickParseResult {
  if (raw.trim() === '') return { ...reject('PAYLOAD_EMPTY', 'payload is empty or blank'), raw };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ...reject('INVALID_JSON', error instanceof Error ? error.message : 'not JSON'), raw };
  }
  const parsed = tickFromJson(json, options);
  return parsed.ok ? { ok: true, tick: parsed.tick, raw } : { ok: false, reason: parsed.reason, raw };
}

function decode(
  bytes: Uint8Array,
  options: ResolvedTickParserOptions,
): { ok: true; raw: string } | { ok: false; reason: TickRejectReason } {
  if (bytes.byteLength > options.maxBytes) {
    return reject(
      'PAYLOAD_TOO_LARGE',
      `payload has ${bytes.byteLength} bytes, more than ${options.maxBytes}`,
    );
  }
  if (bytes.byteLength === 0) return reject('PAYLOAD_EMPTY', 'payload is empty');
  try {
    return { ok: true, raw: utf8.decode(bytes) };
  } catch {
    return reject('INVALID_UTF8', 'payload is not valid UTF-8');
  }
}

/**
 * Parses one raw tick payload (a Kafka message value) against tick contract v1. Rejects only what Bronze cannot
 * store — oversize, empty, invalid UTF-8, not JSON, not an object, missing or mistyped fields, non-finite numbers,
 * unparseable or out-of-range timestamps — each with a stable {@link TickRejectReason} code. Semantic checks
 * (positive price, integer volume, symbol format) belong to Silver: see `validateTick`.
 *
 * @param bytes the payload exactly as received
 * @param options size limit, exchange time zone for `yyyy-MM-dd HH:mm:ss` timestamps, accepted event-time range
 * @throws RangeError only for an unknown `exchangeTimeZone` (a configuration error, not a bad tick)
 */
export function parseRawTick(bytes: Uint8Array, options: TickParserOptions = {}): TickParseResult {
  const resolved = resolveTickParserOptions(options);
  const decoded = decode(bytes, resolved);
  if (!decoded.ok) return decoded;
  return parseText(decoded.raw, resolved);
}

/**
 * Line-oriented variant for streaming file loaders (NDJSON): one line, as bytes or already-decoded text, with or
 * without its `\n` / `\r\n` terminator. Same rules and codes as {@link parseRawTick}; the size limit counts the
 * line's UTF-8 bytes without the terminator. A blank line is `PAYLOAD_EMPTY`: loaders usually skip those.
 */
export function parseTickLine(line: Uint8Array | string, options: TickParserOptions = {}): TickParseResult {
  const resolved = resolveTickParserOptions(options);
  if (typeof line === 'string') {
    const text = line.replace(/\r?\n$/, '');
    const size = Buffer.byteLength(text, 'utf8');
    if (size > resolved.maxBytes) {
      return reject('PAYLOAD_TOO_LARGE', `line has ${size} bytes, more than ${resolved.maxBytes}`);
    }
    return parseText(text, resolved);
  }
  let end = line.byteLength;
  if (end > 0 && line[end - 1] === LF) end -= 1;
  if (end > 0 && line[end - 1] === CR) end -= 1;
  const body = line.subarray(0, end);
  const decoded = decode(body, resolved);
  if (!decoded.ok) return decoded;
  return parseText(decoded.raw, resolved);
}

const LF = 0x0a;
const CR = 0x0d;
