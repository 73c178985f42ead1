import { createHash } from 'node:crypto';
import { isWellFormedUnicode } from '../tick/well-formed-unicode.util';
import { canonicalDecimal } from './canonical-decimal.util';

/** Bumped only with a new encoding; every id computed under v1 stays as it is. See libs/domain/EVENT_ID.md. */
export const EVENT_ID_VERSION = 1;
const DOMAIN_TAG = 'lakehouse/event-id/v1';
const LENGTH_PREFIX_BYTES = 4;
const TRADE_ID_ABSENT = 0x00;
const TRADE_ID_PRESENT = 0x01;

/** The fields that identify one market event. Absent `tradeId` and empty `tradeId` are different events. */
export interface EventIdInput {
  readonly symbol: string;
  /** Event time, UTC microseconds since the epoch. */
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: number;
  readonly tradeId?: string;
}

const encoder = new TextEncoder();

function utf8(text: string, field: string): Uint8Array {
  // TextEncoder maps every lone surrogate to U+FFFD, which would make distinct strings encode alike.
  if (!isWellFormedUnicode(text)) throw new RangeError(`${field} is not well-formed Unicode`);
  return encoder.encode(text);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(LENGTH_PREFIX_BYTES + bytes.byteLength);
  new DataView(out.buffer).setUint32(0, bytes.byteLength, false);
  out.set(bytes, LENGTH_PREFIX_BYTES);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/**
 * The exact bytes hashed into an event id (v1): a length-prefixed domain tag, then symbol, event time, price and
 * volume each as a 4-byte big-endian length followed by UTF-8, then `0x00` (no trade id) or `0x01` followed by the
 * length-prefixed trade id. Every field is self-delimiting, so no two inputs share an encoding.
 *
 * @throws RangeError for a non-finite price or volume, or a symbol / trade id with a lone surrogate
 */
export function encodeEventIdPreimage(input: EventIdInput): Uint8Array {
  const parts = [
    lengthPrefixed(utf8(DOMAIN_TAG, 'tag')),
    lengthPrefixed(utf8(input.symbol, 'symbol')),
    lengthPrefixed(utf8(input.eventTimeUs.toString(), 'eventTimeUs')),
    lengthPrefixed(utf8(canonicalDecimal(input.price), 'price')),
    lengthPrefixed(utf8(canonicalDecimal(input.volume), 'volume')),
  ];
  if (input.tradeId === undefined) {
    parts.push(Uint8Array.of(TRADE_ID_ABSENT));
  } else {
    parts.push(Uint8Array.of(TRADE_ID_PRESENT), lengthPrefixed(utf8(input.tradeId, 'tradeId')));
  }
  return concat(parts);
}

/**
 * Silver's `event_id`: lowercase hex SHA-256 of {@link encodeEventIdPreimage}. Deterministic across processes,
 * restarts and languages, so a replayed tick gets the id it had the first time and deduplicates against it.
 */
export function computeEventId(input: EventIdInput): string {
  return createHash('sha256').update(encodeEventIdPreimage(input)).digest('hex');
}
