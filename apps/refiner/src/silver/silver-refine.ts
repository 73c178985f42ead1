import {
  computeEventId,
  type LabelOutcome,
  type SilverTick,
  type TickValidationRules,
  validateTick,
} from '@lakehouse/domain';
import { type LateStatus, type SilverRejectRow, type SilverTickRow } from '@lakehouse/lake';
import { type BronzeEntry } from './bronze-entries';
import { initialBook, type SilverModel, stepBook, type SymbolBook } from './symbol-book';

/** Silver's validation bounds; the upper one is relative to when Bronze received the tick, so replays agree. */
export interface RefineRules {
  readonly minEventTimeUs: bigint;
  readonly maxClockSkewUs: bigint;
  readonly symbolPattern?: RegExp;
}

/** A Silver row about to be merged, with the model sequence that ends at it (null for late ticks). */
export interface RefinedEvent {
  readonly row: SilverTickRow;
  readonly sequence: number[][] | null;
  /** When Bronze received it (null when re-stepped from Silver): the start of the freshness clock. */
  readonly ingestTimeUs: bigint | null;
}

export interface RefinedOutcome {
  readonly symbol: string;
  readonly outcome: LabelOutcome;
}

export interface RefineCounts {
  readonly bronzeRows: number;
  readonly rejected: number;
  /** A second copy of an event in the same chunk. */
  readonly duplicatesInChunk: number;
  /** A replay of the event Silver holds at its symbol's latest event time. */
  readonly knownDuplicates: number;
  readonly late: number;
  readonly expired: number;
}

export interface RefinedChunk {
  /** The books after the chunk; adopt them only once its Silver commit succeeded. */
  readonly books: ReadonlyMap<string, SymbolBook>;
  /** Unique by event id, in arrival order: the MERGE source. */
  readonly events: readonly RefinedEvent[];
  /** Outcomes the chunk's applied ticks realized, in emission order. */
  readonly outcomes: readonly RefinedOutcome[];
  readonly rejects: readonly SilverRejectRow[];
  readonly counts: RefineCounts;
}

/** Silver's own reject codes, beside the domain's validation codes: a tick the event id cannot encode. */
export const EVENT_ID_UNENCODABLE = 'EVENT_ID_UNENCODABLE';
/** A volume `silver.ticks`'s int64 column cannot hold exactly (above 2^53 − 1). */
export const VOLUME_OUT_OF_RANGE = 'VOLUME_OUT_OF_RANGE';

/**
 * Bronze rows (in arrival order) → what one Silver commit holds: rejects with every reason; valid ticks with
 * their event id, deduplicated within the chunk (first arrival wins) and against the event at each symbol's head;
 * features and labels stepped per symbol in arrival order; late and expired ticks kept, flagged, without features.
 * Pure: the books passed in are not modified.
 */
export function refineChunk(
  books: ReadonlyMap<string, SymbolBook>,
  entries: readonly BronzeEntry[],
  rules: RefineRules,
  model: SilverModel,
  refinedTimeUs: bigint,
): RefinedChunk {
  const next = new Map(books);
  const events: RefinedEvent[] = [];
  const outcomes: RefinedOutcome[] = [];
  const rejects: SilverRejectRow[] = [];
  const seen = new Set<string>();
  let duplicatesInChunk = 0;
  let knownDuplicates = 0;
  let late = 0;
  let expired = 0;

  for (const entry of entries) {
    const checked = checkEntry(entry, rules);
    if (!checked.ok) {
      rejects.push(rejectRow(entry, checked.codes, checked.messages, refinedTimeUs));
      continue;
    }
    const tick = checked.tick;
    if (seen.has(tick.eventId)) {
      duplicatesInChunk += 1;
      continue;
    }
    seen.add(tick.eventId);
    const step = stepBook(next.get(tick.symbol) ?? initialBook(), tick, model);
    if (step.kind === 'duplicate') {
      knownDuplicates += 1;
      continue;
    }
    next.set(tick.symbol, step.book);
    if (step.kind === 'applied') {
      events.push({
        row: silverRow(entry, tick, 'on_time', model, step.values, refinedTimeUs),
        sequence: step.sequence,
        ingestTimeUs: entry.ingestTimeUs,
      });
      for (const outcome of step.outcomes) outcomes.push({ symbol: tick.symbol, outcome });
    } else {
      if (step.kind === 'late') late += 1;
      else expired += 1;
      events.push({
        row: silverRow(entry, tick, step.kind, model, null, refinedTimeUs),
        sequence: null,
        ingestTimeUs: entry.ingestTimeUs,
      });
    }
  }
  return {
    books: next,
    events,
    outcomes,
    rejects,
    counts: {
      bronzeRows: entries.length,
      rejected: rejects.length,
      duplicatesInChunk,
      knownDuplicates,
      late,
      expired,
    },
  };
}

export function silverTickOf(row: SilverTickRow): SilverTick {
  return {
    eventId: row.eventId,
    symbol: row.symbol,
    eventTimeUs: row.eventTimeUs,
    price: row.price,
    volume: Number(row.volume),
  };
}

type Checked =
  | { readonly ok: true; readonly tick: SilverTick }
  | { readonly ok: false; readonly codes: string[]; readonly messages: string[] };

function checkEntry(entry: BronzeEntry, rules: RefineRules): Checked {
  const validation = validateTick(entry.tick, validationRules(entry, rules));
  if (!validation.ok) {
    return {
      ok: false,
      codes: validation.failures.map((f) => f.code),
      messages: validation.failures.map((f) => f.message),
    };
  }
  if (entry.tick.volume > Number.MAX_SAFE_INTEGER) {
    return {
      ok: false,
      codes: [VOLUME_OUT_OF_RANGE],
      messages: [`volume ${entry.tick.volume} is above ${Number.MAX_SAFE_INTEGER}`],
    };
  }
  try {
    const { tick } = entry;
    const eventId = computeEventId(tick);
    return {
      ok: true,
      tick: {
        eventId,
        symbol: tick.symbol,
        eventTimeUs: tick.eventTimeUs,
        price: tick.price,
        volume: tick.volume,
      },
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, codes: [EVENT_ID_UNENCODABLE], messages: [error.message] };
  }
}

function validationRules(entry: BronzeEntry, rules: RefineRules): TickValidationRules {
  return {
    minEventTimeUs: rules.minEventTimeUs,
    maxEventTimeUs: entry.ingestTimeUs + rules.maxClockSkewUs,
    ...(rules.symbolPattern === undefined ? {} : { symbolPattern: rules.symbolPattern }),
  };
}

function silverRow(
  entry: BronzeEntry,
  tick: SilverTick,
  lateStatus: LateStatus,
  model: SilverModel,
  features: SilverTickRow['features'],
  refinedTimeUs: bigint,
): SilverTickRow {
  return {
    eventId: tick.eventId,
    symbol: tick.symbol,
    eventTimeUs: tick.eventTimeUs,
    price: tick.price,
    volume: BigInt(tick.volume),
    tradeId: entry.tick.tradeId ?? null,
    exchange: entry.tick.exchange ?? null,
    source: entry.source,
    bronzeVersion: entry.bronzeVersion,
    bronzeSeq: entry.bronzeSeq,
    lateStatus,
    featureVersion: features === null ? null : model.features.version,
    features,
    refinedTimeUs,
  };
}

function rejectRow(
  entry: BronzeEntry,
  codes: readonly string[],
  messages: readonly string[],
  refinedTimeUs: bigint,
): SilverRejectRow {
  return {
    symbol: entry.tick.symbol,
    eventTimeUs: entry.tick.eventTimeUs,
    price: entry.tick.price,
    volume: entry.tick.volume,
    source: entry.source,
    bronzeVersion: entry.bronzeVersion,
    reasonCodes: codes.join(','),
    reasonMessages: messages.join('; '),
    kafkaTopic: entry.kafkaTopic,
    kafkaPartition: entry.kafkaPartition,
    kafkaOffset: entry.kafkaOffset,
    fileRecord: entry.fileRecord,
    refinedTimeUs,
  };
}
