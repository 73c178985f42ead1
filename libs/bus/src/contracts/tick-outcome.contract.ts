import { z } from 'zod';
import { encodeJson, parseJson, schemaVersionOf, validateJson } from '../codec';
import { type OutboundMessage } from '../records';
import { groupedBy, runsOf } from './runs';

/** Schema 1: one outcome a record (refiners before runs, fixtures, replays of old data). */
export const TICK_OUTCOME_SCHEMA_VERSION = 1;
/** Schema 2: a run of one symbol's outcomes ({@link tickOutcomeRunSchema}). */
export const TICK_OUTCOME_RUN_SCHEMA_VERSION = 2;

/** Outcomes per `ticks.outcomes` run record, at most: ~110 KB encoded, far under Kafka's 1 MB record limit. */
export const MAX_EVENTS_PER_OUTCOME_RECORD = 512;

const decimalString = z.string().regex(/^-?\d+$/);
const eventId = z.string().regex(/^[0-9a-f]{64}$/);
const label = z.union([z.literal(0), z.literal(1)]);
const threshold = z.number().nonnegative();

/**
 * A realized outcome (schema 1: one a record; the form every decoder returns): the outcome of an earlier Silver
 * event, once its label horizon is reached, under a versioned label definition (the domain's, shared with training).
 * At-least-once like `ticks.refined`; consumers upsert by `eventId`.
 */
export const tickOutcomeSchema = z.object({
  schemaVersion: z.literal(TICK_OUTCOME_SCHEMA_VERSION),
  eventId,
  symbol: z.string().min(1),
  eventTimeUs: decimalString,
  /** The tick that closed the horizon. */
  horizonEventId: eventId,
  realizedReturn: z.number(),
  threshold,
  label,
  labelVersion: z.string().min(1),
  /**
   * Lineage: the Silver version committed when the refiner announced the outcome (before the commit that stores the
   * horizon tick; a late repair's re-emit names the version its repair is based on).
   */
  silverVersion: decimalString,
});

/**
 * A schema-2 `ticks.outcomes` record (key = symbol): a run of one symbol's outcomes, in emission order, that share
 * the label definition (`labelVersion`, `threshold`) and lineage (`silverVersion`: one refiner chunk or late repair),
 * stated once. A symbol's outcomes of one chunk span one or more records, in order.
 */
export const tickOutcomeRunSchema = z.object({
  schemaVersion: z.literal(TICK_OUTCOME_RUN_SCHEMA_VERSION),
  symbol: z.string().min(1),
  labelVersion: z.string().min(1),
  threshold,
  silverVersion: decimalString,
  events: z
    .array(
      z.object({
        eventId,
        /** UTC µs since the epoch, decimal string. */
        eventTimeUs: decimalString,
        horizonEventId: eventId,
        realizedReturn: z.number(),
        label,
      }),
    )
    .min(1)
    .max(MAX_EVENTS_PER_OUTCOME_RECORD),
});

export type TickOutcome = z.output<typeof tickOutcomeSchema>;
export type TickOutcomeRunWire = z.output<typeof tickOutcomeRunSchema>;

/**
 * The `ticks.outcomes` records of a list of outcomes: grouped by symbol (order kept within a symbol), in runs of at
 * most {@link MAX_EVENTS_PER_OUTCOME_RECORD} that share their run's fields. Encoded one at a time as they are pulled.
 */
export function* tickOutcomeRecords(outcomes: readonly TickOutcome[]): Generator<OutboundMessage> {
  for (const [symbol, list] of groupedBy(outcomes, (o) => o.symbol)) {
    for (const run of runsOf(list, MAX_EVENTS_PER_OUTCOME_RECORD, sameRun)) {
      yield { key: symbol, value: encodeOutcomeRun(run) };
    }
  }
}

function sameRun(first: TickOutcome, next: TickOutcome): boolean {
  return (
    first.labelVersion === next.labelVersion &&
    first.threshold === next.threshold &&
    first.silverVersion === next.silverVersion
  );
}

function encodeOutcomeRun(run: readonly TickOutcome[]): Buffer {
  const first = run[0]!;
  const wire: TickOutcomeRunWire = {
    schemaVersion: TICK_OUTCOME_RUN_SCHEMA_VERSION,
    symbol: first.symbol,
    labelVersion: first.labelVersion,
    threshold: first.threshold,
    silverVersion: first.silverVersion,
    events: run.map((o) => ({
      eventId: o.eventId,
      eventTimeUs: o.eventTimeUs,
      horizonEventId: o.horizonEventId,
      realizedReturn: o.realizedReturn,
      label: o.label,
    })),
  };
  return encodeJson(wire);
}

/**
 * The outcomes of one `ticks.outcomes` record, in order: a schema-1 record's one, or a schema-2 run's, each as the
 * schema-1 object it stands for.
 *
 * @throws BusError `BUS_DECODE_FAILED` with a reason fit for a dead letter; a malformed run yields no outcome
 */
export function decodeTickOutcomes(value: Buffer | null): TickOutcome[] {
  const parsed = parseJson(value);
  const version = schemaVersionOf(parsed, [TICK_OUTCOME_SCHEMA_VERSION, TICK_OUTCOME_RUN_SCHEMA_VERSION]);
  if (version === TICK_OUTCOME_SCHEMA_VERSION) return [validateJson(tickOutcomeSchema, parsed)];
  const run = validateJson(tickOutcomeRunSchema, parsed);
  return run.events.map((event): TickOutcome => ({
    schemaVersion: TICK_OUTCOME_SCHEMA_VERSION,
    eventId: event.eventId,
    symbol: run.symbol,
    eventTimeUs: event.eventTimeUs,
    horizonEventId: event.horizonEventId,
    realizedReturn: event.realizedReturn,
    threshold: run.threshold,
    label: event.label,
    labelVersion: run.labelVersion,
    silverVersion: run.silverVersion,
  }));
}
