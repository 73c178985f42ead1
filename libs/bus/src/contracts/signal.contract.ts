import { z } from 'zod';

export const SIGNAL_SCHEMA_VERSION = 1;

/** The model version a pass-through signal carries: no model produced it. */
export const NO_MODEL = 'none';

/** A `signals.predictions` record (key = symbol). `prediction` is null while no model is deployed. */
export const signalSchema = z.object({
  schemaVersion: z.literal(SIGNAL_SCHEMA_VERSION),
  symbol: z.string().min(1),
  /** The tick the signal is about: its trade id when it had one, its event time (UTC µs, decimal string). */
  tradeId: z.string().optional(),
  eventTimeUs: z.string().regex(/^-?\d+$/),
  price: z.number(),
  modelVersion: z.string().min(1),
  prediction: z.number().nullable(),
  producedAt: z.iso.datetime(),
});

export type Signal = z.output<typeof signalSchema>;
