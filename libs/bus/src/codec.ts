import { z } from 'zod';
import { errorMessage } from '@lakehouse/platform';
import { BusError } from './bus-error';

/** JSON bytes for a record value. */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Parses untrusted record bytes with a schema. Throws a `BUS_DECODE_FAILED` {@link BusError} whose message is fit
 * for a dead letter's reason.
 */
export function decodeJson<S extends z.ZodType>(schema: S, value: Buffer | null): z.output<S> {
  return validateJson(schema, parseJson(value));
}

/** The JSON of a record value, not yet validated (for contracts that pick their schema by a field). */
export function parseJson(value: Buffer | null): unknown {
  if (value === null) throw new BusError('BUS_DECODE_FAILED', 'record has no value');
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch (error) {
    throw new BusError('BUS_DECODE_FAILED', `not JSON: ${errorMessage(error)}`);
  }
}

/** Validates parsed JSON with a schema; every issue is named in the `BUS_DECODE_FAILED` message. */
export function validateJson<S extends z.ZodType>(schema: S, parsed: unknown): z.output<S> {
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BusError('BUS_DECODE_FAILED', reasons.join('; '));
  }
  return result.data;
}

/**
 * The `schemaVersion` of a parsed record, checked against the versions a contract reads.
 *
 * @throws BusError `BUS_DECODE_FAILED` naming the versions read
 */
export function schemaVersionOf<V extends number>(parsed: unknown, known: readonly V[]): V {
  const version =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (known.includes(version as V)) return version as V;
  throw new BusError(
    'BUS_DECODE_FAILED',
    `schemaVersion: ${JSON.stringify(version) ?? 'absent'} is not one of ${known.join(', ')}`,
  );
}
