import { z } from 'zod';

export const TICK_OUTCOME_SCHEMA_VERSION = 1;

const decimalString = z.string().regex(/^-?\d+$/);

/**
 * A `ticks.outcomes` record (key = symbol): the realized outcome of an earlier Silver event, once its label horizon
 * is reached, under a versioned label definition (the domain's, shared with training). At-least-once like
 * `ticks.refined`; consumers upsert by `eventId`.
 */
export const tickOutcomeSchema = z.object({
  schemaVersion: z.literal(TICK_OUTCOME_SCHEMA_VERSION),
  eventId: z.string().regex(/^[0-9a-f]{64}$/),
  symbol: z.string().min(1),
  eventTimeUs: decimalString,
  /** The tick that closed the horizon. */
  horizonEventId: z.string().regex(/^[0-9a-f]{64}$/),
  realizedReturn: z.number(),
  threshold: z.number().nonnegative(),
  label: z.union([z.literal(0), z.literal(1)]),
  labelVersion: z.string().min(1),
  /**
   * Lineage: the Silver version committed when the refiner announced the outcome (before the commit that stores the
   * horizon tick; a late repair's re-emit names the version its repair is based on).
   */
  silverVersion: decimalString,
});

export type TickOutcome = z.output<typeof tickOutcomeSchema>;
