import { BusError } from '../bus-error';

/**
 * A model-ready window on the wire: the last L feature vectors of one symbol (raw, not normalized: the model
 * normalizes with the statistics stored beside its weights), row-major L × F, IEEE-754 float32 little-endian,
 * base64. Float32 is what the network computes in; the training path rounds its windows through the same
 * {@link toModelWindow}, so a window served and a window trained on are the same numbers.
 */
export interface ModelWindow {
  /** L: timesteps, oldest first. */
  readonly steps: number;
  /** F: features per step, in the feature config's order. */
  readonly features: number;
  /** Row-major `steps × features` values. */
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

/** base64 of the window's float32 little-endian bytes. */
export function encodeWindowValues(window: ModelWindow): string {
  const le = new DataView(new ArrayBuffer(window.values.length * 4));
  window.values.forEach((v, i) => le.setFloat32(i * 4, v, true));
  return Buffer.from(le.buffer).toString('base64');
}

/**
 * Reads a wire window back, checking that its byte length is exactly `steps × features × 4`.
 *
 * @throws BusError `BUS_DECODE_FAILED` for a wrong length or non-base64 text
 */
export function decodeWindowValues(steps: number, features: number, base64: string): ModelWindow {
  const expectedBytes = steps * features * 4;
  // Node's decoder skips characters outside the alphabet, so text of exactly the encoded length that decodes to
  // exactly the expected bytes has none: a length check instead of a regex over every window (a quarter of the
  // predictor's CPU in its profile).
  if (base64.length !== Math.ceil(expectedBytes / 3) * 4) {
    throw new BusError(
      'BUS_DECODE_FAILED',
      `window.f32le is not base64 of ${steps} × ${features} float32 (${base64.length} characters)`,
    );
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== expectedBytes) {
    throw new BusError(
      'BUS_DECODE_FAILED',
      `window.f32le holds ${bytes.length} bytes, expected ${steps} × ${features} float32 = ${expectedBytes}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const values = new Float32Array(steps * features);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return { steps, features, values };
}
