import { z } from 'zod';
import { parseJson, schemaVersionOf, encodeJson, validateJson } from '../codec';
import { type OutboundMessage } from '../records';
import { groupedBy, runsOf } from './runs';

/** Schema 1: one event a record (a prediction or a reject). Rejects are still sent so; old records stay readable. */
export const PREDICTION_SCHEMA_VERSION = 1;
/** Schema 2: a run of one symbol's predictions ({@link predictionRunSchema}). */
export const PREDICTION_RUN_SCHEMA_VERSION = 2;

/**
 * Predictions per `signals.predictions` run record, at most: one forward pass's worth (the predictor scores at most
 * 512 windows a pass), ~90 KB encoded, far under Kafka's 1 MB record limit.
 */
export const MAX_EVENTS_PER_PREDICTION_RECORD = 512;

const decimalString = z.string().regex(/^-?\d+$/);
const eventId = z.string().regex(/^[0-9a-f]{64}$/);
const probability = z.number().min(0).max(1);
const predictedLabel = z.union([z.literal(0), z.literal(1)]);
const threshold = z.number().min(0).max(1);
/** The backend that really ran the model (e.g. `onnx-cpu`, `tfjs-wasm`, `tfjs-node-gpu`). */
const backend = z.string().min(1);
/** Lineage: the refined record's `silverVersion` (the Silver version committed when the event was announced). */
const silverVersion = decimalString;
/** Consume → produce time of the batch the event was scored in, ms. */
const inferenceLatencyMs = z.number().nonnegative();

/** A scored event (schema 1: one a record; the form every decoder returns). */
export const predictionSchema = z.object({
  schemaVersion: z.literal(PREDICTION_SCHEMA_VERSION),
  kind: z.literal('prediction'),
  eventId,
  symbol: z.string().min(1),
  eventTimeUs: decimalString,
  price: z.number(),
  /** P(jump within the label horizon). */
  probability,
  /** 1 when probability ≥ threshold, the model's chosen operating point. */
  predictedLabel,
  threshold,
  modelVersion: z.string().min(1),
  backend,
  labelVersion: z.string().min(1),
  silverVersion,
  inferenceLatencyMs,
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

/** A schema-1 `signals.predictions` record (key = symbol). Replays may repeat one: consumers upsert by `eventId`. */
export const signalRecordSchema = z.discriminatedUnion('kind', [predictionSchema, predictionRejectSchema]);

/**
 * A schema-2 `signals.predictions` record (key = symbol): a run of one symbol's predictions, in the order they were
 * scored, that share the model, backend, label definition, threshold and batch (`producedAt`, `inferenceLatencyMs`);
 * those fields are stated once, each event carries the rest. A symbol's events span one or more records, in order.
 * Rejects are not part of runs: each stays a schema-1 record, between the runs of its symbol where it was scored.
 */
export const predictionRunSchema = z.object({
  schemaVersion: z.literal(PREDICTION_RUN_SCHEMA_VERSION),
  symbol: z.string().min(1),
  modelVersion: z.string().min(1),
  backend,
  labelVersion: z.string().min(1),
  threshold,
  inferenceLatencyMs,
  producedAt: z.iso.datetime(),
  events: z
    .array(
      z.object({
        eventId,
        /** UTC µs since the epoch, decimal string. */
        eventTimeUs: decimalString,
        price: z.number(),
        probability,
        predictedLabel,
        silverVersion,
      }),
    )
    .min(1)
    .max(MAX_EVENTS_PER_PREDICTION_RECORD),
});

export type Prediction = z.output<typeof predictionSchema>;
export type PredictionReject = z.output<typeof predictionRejectSchema>;
export type SignalRecord = z.output<typeof signalRecordSchema>;
export type PredictionRunWire = z.output<typeof predictionRunSchema>;

/**
 * The `signals.predictions` records of a list of scored events: grouped by symbol (order kept within a symbol),
 * predictions in runs of at most {@link MAX_EVENTS_PER_PREDICTION_RECORD} that share their run's fields, each reject a
 * schema-1 record of its own in its place. Encoded one at a time as they are pulled.
 */
export function* signalRecords(records: readonly SignalRecord[]): Generator<OutboundMessage> {
  for (const [symbol, list] of groupedBy(records, (r) => r.symbol)) {
    for (const run of runsOf(list, MAX_EVENTS_PER_PREDICTION_RECORD, sameRun)) {
      const first = run[0]!;
      yield {
        key: symbol,
        value: first.kind === 'reject' ? encodeJson(first) : encodePredictionRun(run as Prediction[]),
      };
    }
  }
}

/** Whether `next` can join the run `first` starts: both predictions, alike in every field a run states once. */
function sameRun(first: SignalRecord, next: SignalRecord): boolean {
  return (
    first.kind === 'prediction' &&
    next.kind === 'prediction' &&
    first.modelVersion === next.modelVersion &&
    first.backend === next.backend &&
    first.labelVersion === next.labelVersion &&
    first.threshold === next.threshold &&
    first.inferenceLatencyMs === next.inferenceLatencyMs &&
    first.producedAt === next.producedAt
  );
}

function encodePredictionRun(run: readonly Prediction[]): Buffer {
  const first = run[0]!;
  const wire: PredictionRunWire = {
    schemaVersion: PREDICTION_RUN_SCHEMA_VERSION,
    symbol: first.symbol,
    modelVersion: first.modelVersion,
    backend: first.backend,
    labelVersion: first.labelVersion,
    threshold: first.threshold,
    inferenceLatencyMs: first.inferenceLatencyMs,
    producedAt: first.producedAt,
    events: run.map((p) => ({
      eventId: p.eventId,
      eventTimeUs: p.eventTimeUs,
      price: p.price,
      probability: p.probability,
      predictedLabel: p.predictedLabel,
      silverVersion: p.silverVersion,
    })),
  };
  return encodeJson(wire);
}

/**
 * The events of one `signals.predictions` record, in order: a schema-1 record's one prediction or reject, or a
 * schema-2 run's predictions, each as the schema-1 object it stands for.
 *
 * @throws BusError `BUS_DECODE_FAILED` with a reason fit for a dead letter; a malformed run yields no event
 */
export function decodeSignalRecords(value: Buffer | null): SignalRecord[] {
  const parsed = parseJson(value);
  const version = schemaVersionOf(parsed, [PREDICTION_SCHEMA_VERSION, PREDICTION_RUN_SCHEMA_VERSION]);
  if (version === PREDICTION_SCHEMA_VERSION) return [validateJson(signalRecordSchema, parsed)];
  const run = validateJson(predictionRunSchema, parsed);
  return run.events.map((event): Prediction => ({
    schemaVersion: PREDICTION_SCHEMA_VERSION,
    kind: 'prediction',
    eventId: event.eventId,
    symbol: run.symbol,
    eventTimeUs: event.eventTimeUs,
    price: event.price,
    probability: event.probability,
    predictedLabel: event.predictedLabel,
    threshold: run.threshold,
    modelVersion: run.modelVersion,
    backend: run.backend,
    labelVersion: run.labelVersion,
    silverVersion: event.silverVersion,
    inferenceLatencyMs: run.inferenceLatencyMs,
    producedAt: run.producedAt,
  }));
}
