import { z } from 'zod';
import { BusError } from '../bus-error';
import { decodeJson, encodeJson } from '../codec';
import { decodeFloat32Le, encodeFloat32Le, type ModelWindow } from './model-window.codec';

export const REFINED_TICKS_SCHEMA_VERSION = 2;

/** Events per `ticks.refined` record, at most: ~145 KB encoded (30 × 20 windows), far under Kafka's 1 MB record limit. */
export const MAX_EVENTS_PER_REFINED_RECORD = 512;

const decimalString = z.string().regex(/^-?\d+$/);

/**
 * A `ticks.refined` record (key = symbol): a run of one symbol's new Silver events, in arrival order, all stored
 * by one Silver commit (a commit's events of a symbol span one or more records, in order). Each event's model
 * window (the last L feature vectors, raw float32) is packed: the record carries the distinct vectors once, as
 * `window.rows` × `window.features` float32 (`f32le`), and an event names the row its window ends at, so its window
 * is rows `windowEnd − steps + 1 … windowEnd`. Consecutive events of a symbol share L − 1 vectors, so n events
 * carry about n + L − 1 vectors instead of n × L (schema 1 sent every window whole, ~4 KB an event, and encoding
 * them was most of the refiner's CPU at 10k ticks/s).
 *
 * The refiner announces before its Silver commit, so a record can arrive before Silver holds its events:
 * `bronzeVersion` says when it will (a reader of Silver waits for the refiner's position to reach it).
 * At-least-once: a failed commit or a crash after the announce makes the refiner announce the same events again, so
 * consumers dedupe by `eventId` (Gold's MERGE on `event_id` does).
 */
export const refinedTicksWireSchema = z.object({
  schemaVersion: z.literal(REFINED_TICKS_SCHEMA_VERSION),
  symbol: z.string().min(1),
  /**
   * Lineage: the Silver version committed when the refiner announced the events (it announces before its commit;
   * the events are in a later version, the first whose `refiner:bronze.ticks` position covers their Bronze version).
   */
  silverVersion: decimalString,
  /**
   * The last Bronze version of the refiner chunk the events came from: Silver holds them once its
   * `refiner:bronze.ticks` position reaches this version. Absent in records of refiners before announce-first.
   */
  bronzeVersion: decimalString.optional(),
  featureVersion: z.string().min(1),
  /** Null when no event of the record has a window yet. */
  window: z
    .object({
      steps: z.number().int().positive(),
      features: z.number().int().positive(),
      rows: z.number().int().positive(),
      f32le: z.string(),
    })
    .nullable(),
  events: z
    .array(
      z.object({
        eventId: z.string().regex(/^[0-9a-f]{64}$/),
        /** UTC µs since the epoch, decimal string. */
        eventTimeUs: decimalString,
        price: z.number().positive(),
        volume: z.number().int().nonnegative(),
        tradeId: z.string().nullable(),
        /** The row this event's window ends at; null until the symbol has L complete feature vectors. */
        windowEnd: z.number().int().nonnegative().nullable(),
      }),
    )
    .min(1)
    .max(MAX_EVENTS_PER_REFINED_RECORD),
});

export type RefinedTicksWire = z.output<typeof refinedTicksWireSchema>;

/** One decoded event of a `ticks.refined` record, its window as float32 values. */
export interface RefinedTick {
  readonly eventId: string;
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: number;
  readonly tradeId: string | null;
  /** Lineage: the Silver version committed when the event was announced (see the wire schema). */
  readonly silverVersion: bigint;
  /** Silver holds the event once the refiner's position reaches this Bronze version (see the wire schema). */
  readonly bronzeVersion?: bigint;
  readonly featureVersion: string;
  /** The model window ending at this event (a view into the record's rows), null until L vectors exist. */
  readonly window: ModelWindow | null;
}

/** An event about to be published: its window as L rows of F raw feature values, oldest first. */
export interface RefinedTickDraft extends Omit<RefinedTick, 'window' | 'silverVersion' | 'bronzeVersion'> {
  readonly window: readonly ArrayLike<number>[] | null;
}

/** A record ready for the producer. */
export interface RefinedTicksRecord {
  readonly key: string;
  readonly value: Buffer;
}

/**
 * The `ticks.refined` records of one Silver commit, encoded one at a time as they are pulled: drafts grouped by
 * symbol (arrival order kept within a symbol), cut into runs of at most {@link MAX_EVENTS_PER_REFINED_RECORD}
 * events and wherever the feature version changes.
 */
export function* refinedTickRecords(
  drafts: readonly RefinedTickDraft[],
  silverVersion: bigint,
  bronzeVersion?: bigint,
): Generator<RefinedTicksRecord> {
  const bySymbol = new Map<string, RefinedTickDraft[]>();
  for (const draft of drafts) {
    const list = bySymbol.get(draft.symbol);
    if (list === undefined) bySymbol.set(draft.symbol, [draft]);
    else list.push(draft);
  }
  for (const [symbol, list] of bySymbol) {
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      const cut =
        i === list.length ||
        i - start === MAX_EVENTS_PER_REFINED_RECORD ||
        list[i]!.featureVersion !== list[start]!.featureVersion;
      if (!cut) continue;
      yield { key: symbol, value: encodeRun(list.slice(start, i), silverVersion, bronzeVersion) };
      start = i;
    }
  }
}

/** One event as a record of its own (tests, benchmarks, tools). */
export function encodeRefinedTick(tick: RefinedTick): Buffer {
  return encodeRun([draftOf(tick)], tick.silverVersion, tick.bronzeVersion);
}

/** The draft that encodes back to `tick`. */
function draftOf(tick: RefinedTick): RefinedTickDraft {
  const { window } = tick;
  return {
    ...tick,
    window:
      window === null
        ? null
        : Array.from({ length: window.steps }, (_, t) =>
            window.values.subarray(t * window.features, (t + 1) * window.features),
          ),
  };
}

function encodeRun(
  run: readonly RefinedTickDraft[],
  silverVersion: bigint,
  bronzeVersion: bigint | undefined,
): Buffer {
  const first = run[0]!;
  const rows: ArrayLike<number>[] = [];
  let shape: { steps: number; features: number } | undefined;
  let previous: readonly ArrayLike<number>[] | undefined;
  const events = run.map((draft) => {
    const window = draft.window;
    let windowEnd: number | null = null;
    if (window !== null) {
      shape ??= { steps: window.length, features: window[0]?.length ?? 0 };
      checkShape(window, shape, draft.eventId);
      if (previous !== undefined && continues(previous, window)) rows.push(window[window.length - 1]!);
      else rows.push(...window);
      previous = window;
      windowEnd = rows.length - 1;
    }
    return {
      eventId: draft.eventId,
      eventTimeUs: draft.eventTimeUs.toString(),
      price: draft.price,
      volume: draft.volume,
      tradeId: draft.tradeId,
      windowEnd,
    };
  });
  let window: RefinedTicksWire['window'] = null;
  if (shape !== undefined) {
    const values = new Float32Array(rows.length * shape.features);
    rows.forEach((row, i) => values.set(row, i * shape!.features));
    window = { ...shape, rows: rows.length, f32le: encodeFloat32Le(values) };
  }
  const wire: RefinedTicksWire = {
    schemaVersion: REFINED_TICKS_SCHEMA_VERSION,
    symbol: first.symbol,
    silverVersion: silverVersion.toString(),
    ...(bronzeVersion === undefined ? {} : { bronzeVersion: bronzeVersion.toString() }),
    featureVersion: first.featureVersion,
    window,
    events,
  };
  return encodeJson(wire);
}

function checkShape(
  window: readonly ArrayLike<number>[],
  shape: { readonly steps: number; readonly features: number },
  eventId: string,
): void {
  if (shape.steps === 0 || shape.features === 0) {
    throw new RangeError(`the window of ${eventId} is empty`);
  }
  if (window.length !== shape.steps || window.some((row) => row.length !== shape.features)) {
    throw new RangeError(
      `the window of ${eventId} is not ${shape.steps} × ${shape.features} like the run's first`,
    );
  }
}

/** Whether `next` is `previous` moved on by one vector: its first L − 1 rows are `previous`'s last L − 1. */
function continues(previous: readonly ArrayLike<number>[], next: readonly ArrayLike<number>[]): boolean {
  for (let t = 0; t + 1 < next.length; t++) {
    const a = previous[t + 1]!;
    const b = next[t]!;
    if (a === b) continue;
    for (let f = 0; f < b.length; f++) if (a[f] !== b[f]) return false;
  }
  return true;
}

/**
 * The events of one `ticks.refined` record, in order, each window a view into the record's rows.
 *
 * @throws BusError `BUS_DECODE_FAILED` with a reason fit for an error record
 */
export function decodeRefinedTicks(value: Buffer | null): RefinedTick[] {
  const wire = decodeJson(refinedTicksWireSchema, value);
  const shape = wire.window;
  const values =
    shape === null ? null : decodeFloat32Le(shape.f32le, shape.rows * shape.features, 'window.f32le');
  const silverVersion = BigInt(wire.silverVersion);
  const lineage =
    wire.bronzeVersion === undefined
      ? { silverVersion }
      : { silverVersion, bronzeVersion: BigInt(wire.bronzeVersion) };
  return wire.events.map((event, i) => {
    let window: ModelWindow | null = null;
    if (event.windowEnd !== null) {
      if (shape === null || values === null) {
        throw new BusError(
          'BUS_DECODE_FAILED',
          `events[${i}].windowEnd is set but the record has no window rows`,
        );
      }
      const { steps, features, rows } = shape;
      if (event.windowEnd < steps - 1 || event.windowEnd >= rows) {
        throw new BusError(
          'BUS_DECODE_FAILED',
          `events[${i}].windowEnd ${event.windowEnd} is outside ${steps - 1}…${rows - 1} (${steps} steps, ${rows} rows)`,
        );
      }
      window = {
        steps,
        features,
        values: values.subarray((event.windowEnd - steps + 1) * features, (event.windowEnd + 1) * features),
      };
    }
    return {
      eventId: event.eventId,
      symbol: wire.symbol,
      eventTimeUs: BigInt(event.eventTimeUs),
      price: event.price,
      volume: event.volume,
      tradeId: event.tradeId,
      ...lineage,
      featureVersion: wire.featureVersion,
      window,
    };
  });
}
