import { endianness } from 'node:os';
import { BusError } from '../bus-error';

/**
 * A model-ready window: the last L feature vectors of one symbol (raw, not normalized: the model normalizes with
 * the statistics stored beside its weights), row-major L × F float32. Float32 is what the network computes in; the
 * training path rounds its windows through the same {@link toModelWindow}, and the wire carries the same float32
 * values ({@link encodeFloat32Le}), so a window served and a window trained on are the same numbers.
 */
export interface ModelWindow {
  /** L: timesteps, oldest first. */
  readonly steps: number;
  /** F: features per step, in the feature config's order. */
  readonly features: number;
  /** Row-major `steps × features` values (possibly a view into a larger buffer: do not write to it). */
  readonly values: Float32Array;
}

/** Rounds a sequence of feature vectors (all of one length, no nulls) into a window. */
export function toModelWindow(sequence: readonly (readonly number[])[]): ModelWindow {
  const steps = sequence.length;
  const features = sequence[0]?.length ?? 0;
  const values = new Float32Array(steps * features);
  sequence.forEach((row, t) => {
    if (row.length !== features) {
      throw new RangeError(`window row ${t} has ${row.length} features, expected ${features}`);
    }
    values.set(row, t * features);
  });
  return { steps, features, values };
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** base64 of float32 values as little-endian bytes (the wire's byte order whatever the host's). */
export function encodeFloat32Le(values: Float32Array): string {
  if (LITTLE_ENDIAN_HOST) {
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  }
  const le = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => le.setFloat32(i * 4, v, true));
  return Buffer.from(le.buffer).toString('base64');
}

/**
 * Reads `count` float32 values back from {@link encodeFloat32Le}'s text, checking that it holds exactly that many.
 *
 * @throws BusError `BUS_DECODE_FAILED` for a wrong length or non-base64 text
 */
export function decodeFloat32Le(base64: string, count: number, what: string): Float32Array {
  const expectedBytes = count * 4;
  // Node's decoder skips characters outside the alphabet, so text of exactly the encoded length that decodes to
  // exactly the expected bytes has none: a length check instead of a regex over every record.
  if (base64.length !== Math.ceil(expectedBytes / 3) * 4) {
    throw new BusError(
      'BUS_DECODE_FAILED',
      `${what} is not base64 of ${count} float32 (${base64.length} characters)`,
    );
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== expectedBytes) {
    throw new BusError(
      'BUS_DECODE_FAILED',
      `${what} holds ${bytes.length} bytes, expected ${count} float32 = ${expectedBytes}`,
    );
  }
  const values = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(values.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  }
  return values;
}
