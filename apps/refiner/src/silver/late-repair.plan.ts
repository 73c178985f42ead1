import { type FeatureVector, type LabelOutcome } from '@lakehouse/domain';
import { type SilverTickRow } from '@lakehouse/lake';
import { silverTickOf } from './silver-refine';
import { rebuildBook, type ReplayPlan, type SilverModel, stepBook, type SymbolBook } from './symbol-book';

/** Where a row sits in replay order. */
export interface ReplayPosition {
  readonly eventTimeUs: bigint;
  readonly bronzeVersion: bigint;
  readonly bronzeSeq: bigint;
}

/**
 * The pure half of the late repair (issue #5): given one symbol's Silver rows around its unrepaired `late` ticks,
 * what in-order arrival would have stored, and which outcomes change. No I/O; `late-repair.ts` reads and commits.
 *
 * Replay order (the one order every rebuild uses): event time, ties by arrival — Bronze version, then Bronze
 * sequence. On-time ticks arrive in event-time order, so for them this is arrival order; a late tick lands among
 * them where its event time puts it, after the ticks with the same event time that arrived before it.
 */
export function replayOrder(a: ReplayPosition, b: ReplayPosition): number {
  return (
    compare(a.eventTimeUs, b.eventTimeUs) ||
    compare(a.bronzeVersion, b.bronzeVersion) ||
    compare(a.bronzeSeq, b.bronzeSeq)
  );
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the repair reads for one symbol (see `SilverReader.repairInput`). */
export interface RepairInput {
  readonly symbol: string;
  /**
   * Applied rows (`on_time`, `repaired`) with an event time before the earliest unrepaired late one, at least the
   * trailing ones {@link warmupOf} names (more are fine): the state the re-step starts from.
   */
  readonly warmup: readonly SilverTickRow[];
  /** Every row of the symbol from that event time on, any status, any order. */
  readonly rows: readonly SilverTickRow[];
}

export interface SymbolRepair {
  readonly symbol: string;
  /** Rows whose status or features change, as they must be stored: the MERGE-update source. */
  readonly updates: readonly SilverTickRow[];
  /** Late rows applied now (status `late` → `repaired`). */
  readonly repaired: number;
  /** Other rows (after a late one) whose features changed. */
  readonly recomputed: number;
  /**
   * Outcomes that differ from those the stored rows gave (or are new: the repaired events' own), in emission order.
   * Re-emitted to `ticks.outcomes`; Gold upserts them by `eventId`.
   */
  readonly outcomes: readonly LabelOutcome[];
  /** The symbol's book after its latest row, equal to a rebuild from the repaired Silver. */
  readonly book: SymbolBook;
}

/**
 * The trailing rows of `applied` (in replay order) that rebuild a book exactly, as `SilverReader.trailingApplied`
 * chooses them: the last `plan.ticks`, with a lookback also those within it of the latest plus
 * `ticksBeforeLookback` before them, and every row at the latest event time.
 */
export function warmupOf<T extends { readonly eventTimeUs: bigint }>(
  applied: readonly T[],
  plan: ReplayPlan,
): T[] {
  if (applied.length === 0) return [];
  const last = applied[applied.length - 1]!.eventTimeUs;
  let cut = applied.length - plan.ticks;
  if (plan.lookback !== null) {
    const start = last - plan.lookback.lookbackUs;
    const firstInWindow = applied.findIndex((t) => t.eventTimeUs >= start);
    cut = Math.min(cut, firstInWindow - plan.lookback.ticksBeforeLookback);
  }
  const from = Math.max(0, cut);
  return applied.filter((t, i) => i >= from || t.eventTimeUs === last);
}

/**
 * Re-steps one symbol from its warm-up through every non-expired row in replay order, late ones included, with the
 * live refiner's own step (`stepBook`: the domain's `stepFeatures` and label tracker). A second pass over the
 * applied rows alone gives the outcomes already emitted, so only changed ones are returned. Expired rows stay as
 * they are. With no `late` row in the input, nothing changes (idempotent).
 */
export function planSymbolRepair(input: RepairInput, model: SilverModel): SymbolRepair {
  const warmup = [...input.warmup].sort(replayOrder);
  const start = rebuildBook(warmup.map(silverTickOf), model);
  const rows = input.rows.filter((r) => r.lateStatus !== 'expired').sort(replayOrder);
  const applied = rows.filter((r) => r.lateStatus !== 'late');

  const emitted = new Map<string, string>();
  let before = start;
  for (const row of applied) {
    const step = stepBook(before, silverTickOf(row), model);
    if (step.kind !== 'applied') throw notInOrder(row, step.kind);
    before = step.book;
    for (const o of step.outcomes) emitted.set(o.eventId, outcomeKey(o));
  }

  const updates: SilverTickRow[] = [];
  const outcomes: LabelOutcome[] = [];
  let repaired = 0;
  let recomputed = 0;
  let book = start;
  for (const row of rows) {
    const step = stepBook(book, silverTickOf(row), model);
    if (step.kind !== 'applied') throw notInOrder(row, step.kind);
    book = step.book;
    for (const o of step.outcomes) if (emitted.get(o.eventId) !== outcomeKey(o)) outcomes.push(o);
    const lateStatus = row.lateStatus === 'late' ? 'repaired' : row.lateStatus;
    const featureVersion = model.features.version;
    if (
      lateStatus === row.lateStatus &&
      featureVersion === row.featureVersion &&
      sameVector(row.features, step.values)
    ) {
      continue;
    }
    updates.push({ ...row, lateStatus, featureVersion, features: step.values });
    if (row.lateStatus === 'late') repaired += 1;
    else recomputed += 1;
  }
  return { symbol: input.symbol, updates, repaired, recomputed, outcomes, book };
}

/** Rows in replay order are each at or after the previous one, and unique by id: a step never refuses them. */
function notInOrder(row: SilverTickRow, kind: string): Error {
  return new Error(`late repair: ${row.eventId} of ${row.symbol} stepped as ${kind} in replay order`);
}

function outcomeKey(o: LabelOutcome): string {
  return `${o.horizonEventId}|${o.realizedReturn}|${o.threshold}|${o.label}|${o.labelVersion}`;
}

function sameVector(stored: FeatureVector | null, computed: FeatureVector): boolean {
  return (
    stored !== null && stored.length === computed.length && stored.every((v, i) => Object.is(v, computed[i]))
  );
}
