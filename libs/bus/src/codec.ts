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
  if (value === null) throw new BusError('BUS_DECODE_FAILED', 'record has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new BusError('BUS_DECODE_FAILED', `not JSON: ${errorMessage(error)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BusError('BUS_DECODE_FAILED', reasons.join('; '));
  }
  return result.data;
}
