import { z } from 'zod';

export const PREDICTION_SCHEMA_VERSION = 1;

const decimalString = z.string().regex(/^-?\d+$/);
const eventId = z.string().regex(/^[0-9a-f]{64}$/);

/** A scored event. */
export const predictionSchema = z.object({
  schemaVersion: z.literal(PREDICTION_SCHEMA_VERSION),
  kind: z.literal('prediction'),
  eventId,
  symbol: z.string().min(1),
  eventTimeUs: decimalString,
  price: z.number(),
  /** P(jump within the label horizon). */
  probability: z.number().min(0).max(1),
  /** 1 when probability ≥ threshold, the model's chosen operating point. */
  predictedLabel: z.union([z.literal(0), z.literal(1)]),
  threshold: z.number().min(0).max(1),
  modelVersion: z.string().min(1),
  /** The backend that really ran the model (e.g. `onnx-cpu`, `tfjs-wasm`, `tfjs-node-gpu`). */
  backend: z.string().min(1),
  labelVersion: z.string().min(1),
  /** Lineage: the refined record's `silverVersion` (the Silver version committed when the event was announced). */
  silverVersion: decimalString,
  /** Consume → produce time of the batch the event was scored in, ms. */
  inferenceLatencyMs: z.number().nonnegative(),
  producedAt: z.iso.datetime(),
});

/** An event the model could not score (wrong window shape, non-finite features…), with the reason. Never a crash. */
export const predictionRejectSchema = z.object({
  schemaVersion: z.literal(PREDICTION_SCHEMA_VERSION),
  kind: z.literal('reject'),
  /** Null when the record was too broken to carry one. */
  eventId: eventId.nullable(),
  symbol: z.string().nullable(),
  reasonCode: z.string().min(1),
  reason: z.string().min(1),
  modelVersion: z.string().nullable(),
  producedAt: z.iso.datetime(),
});

/** A `signals.predictions` record (key = symbol). Replays may repeat one: consumers upsert by `eventId`. */
export const signalRecordSchema = z.discriminatedUnion('kind', [predictionSchema, predictionRejectSchema]);

export type Prediction = z.output<typeof predictionSchema>;
export type PredictionReject = z.output<typeof predictionRejectSchema>;
export type SignalRecord = z.output<typeof signalRecordSchema>;
