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

function checked(text: string, field: string): string {
  // UTF-8 encoders map every lone surrogate to U+FFFD, which would make distinct strings encode alike.
  if (!isWellFormedUnicode(text)) throw new RangeError(`${field} is not well-formed Unicode`);
  return text;
}

/** The length-prefixed domain tag: the same first bytes of every preimage. */
const TAG = ((tag: Uint8Array) => {
  const out = Buffer.alloc(LENGTH_PREFIX_BYTES + tag.byteLength);
  out.writeUInt32BE(tag.byteLength, 0);
  out.set(tag, LENGTH_PREFIX_BYTES);
  return out;
})(encoder.encode(DOMAIN_TAG));

/** Reused by {@link computeEventId}: one preimage at a time, hashed before the next is written. */
let scratch = Buffer.alloc(256);

/** Writes the preimage of `input` into the scratch buffer and returns a view of it (valid until the next call). */
function writePreimage(input: EventIdInput): Buffer {
  const fields = [
    checked(input.symbol, 'symbol'),
    input.eventTimeUs.toString(),
    canonicalDecimal(input.price),
    canonicalDecimal(input.volume),
  ];
  const tradeId = input.tradeId === undefined ? undefined : checked(input.tradeId, 'tradeId');
  let size = TAG.byteLength + 1;
  for (const field of fields) size += LENGTH_PREFIX_BYTES + Buffer.byteLength(field, 'utf8');
  if (tradeId !== undefined) size += LENGTH_PREFIX_BYTES + Buffer.byteLength(tradeId, 'utf8');
  if (scratch.byteLength < size) scratch = Buffer.alloc(Math.max(size, scratch.byteLength * 2));
  let at = TAG.copy(scratch, 0);
  const put = (text: string) => {
    const length = scratch.write(text, at + LENGTH_PREFIX_BYTES, 'utf8');
    scratch.writeUInt32BE(length, at);
    at += LENGTH_PREFIX_BYTES + length;
  };
  for (const field of fields) put(field);
  if (tradeId === undefined) {
    scratch[at++] = TRADE_ID_ABSENT;
  } else {
    scratch[at++] = TRADE_ID_PRESENT;
    put(tradeId);
  }
  return scratch.subarray(0, at);
}

/**
 * The exact bytes hashed into an event id (v1): a length-prefixed domain tag, then symbol, event time, price and
 * volume each as a 4-byte big-endian length followed by UTF-8, then `0x00` (no trade id) or `0x01` followed by the
 * length-prefixed trade id. Every field is self-delimiting, so no two inputs share an encoding.
 *
 * @throws RangeError for a non-finite price or volume, or a symbol / trade id with a lone surrogate
 */
export function encodeEventIdPreimage(input: EventIdInput): Uint8Array {
  return Uint8Array.from(writePreimage(input));
}

/**
 * Silver's `event_id`: lowercase hex SHA-256 of {@link encodeEventIdPreimage}. Deterministic across processes,
 * restarts and languages, so a replayed tick gets the id it had the first time and deduplicates against it.
 */
export function computeEventId(input: EventIdInput): string {
  return createHash('sha256').update(writePreimage(input)).digest('hex');
}
