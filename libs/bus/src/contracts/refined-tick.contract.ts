import { z } from 'zod';
import { decodeJson, encodeJson } from '../codec';
import { BusError } from '../bus-error';
import { type ModelWindow, decodeWindowValues, encodeWindowValues } from './model-window.codec';

export const REFINED_TICK_SCHEMA_VERSION = 1;

const decimalString = z.string().regex(/^-?\d+$/);

/**
 * A `ticks.refined` record (key = symbol): one new Silver event, published by the refiner after the Silver MERGE
 * that holds it committed. At-least-once: a refiner crash between that commit and this produce replays the produce,
 * so consumers dedupe by `eventId` (Gold's MERGE on `event_id` does).
 */
export const refinedTickWireSchema = z.object({
  schemaVersion: z.literal(REFINED_TICK_SCHEMA_VERSION),
  eventId: z.string().regex(/^[0-9a-f]{64}$/),
  symbol: z.string().min(1),
  /** UTC µs since the epoch, decimal string. */
  eventTimeUs: decimalString,
  price: z.number().positive(),
  volume: z.number().int().nonnegative(),
  tradeId: z.string().nullable(),
  /** The Silver version whose MERGE stored the event (lineage). */
  silverVersion: decimalString,
  featureVersion: z.string().min(1),
  /** The model-ready window ending at this event; null until the symbol has L complete feature vectors. */
  window: z
    .object({
      steps: z.number().int().positive(),
      features: z.number().int().positive(),
      f32le: z.string(),
    })
    .nullable(),
});

export type RefinedTickWire = z.output<typeof refinedTickWireSchema>;

/** A decoded `ticks.refined` record, the window as float32 values. */
export interface RefinedTick extends Omit<RefinedTickWire, 'window' | 'eventTimeUs' | 'silverVersion'> {
  readonly eventTimeUs: bigint;
  readonly silverVersion: bigint;
  readonly window: ModelWindow | null;
}

export function encodeRefinedTick(tick: RefinedTick): Buffer {
  const wire: RefinedTickWire = {
    ...tick,
    eventTimeUs: tick.eventTimeUs.toString(),
    silverVersion: tick.silverVersion.toString(),
    window:
      tick.window === null
        ? null
        : {
            steps: tick.window.steps,
            features: tick.window.features,
            f32le: encodeWindowValues(tick.window),
          },
  };
  return encodeJson(wire);
}

/** @throws BusError `BUS_DECODE_FAILED` with a reason fit for an error record */
export function decodeRefinedTick(value: Buffer | null): RefinedTick {
  const wire = decodeJson(refinedTickWireSchema, value);
  let window: ModelWindow | null = null;
  if (wire.window !== null) {
    window = decodeWindowValues(wire.window.steps, wire.window.features, wire.window.f32le);
  }
  if (window !== null && window.values.length === 0) {
    throw new BusError('BUS_DECODE_FAILED', 'window is empty');
  }
  return {
    ...wire,
    eventTimeUs: BigInt(wire.eventTimeUs),
    silverVersion: BigInt(wire.silverVersion),
    window,
  };
}
