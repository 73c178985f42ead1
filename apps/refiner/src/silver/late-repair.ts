import { type SilverTickRow } from '@lakehouse/lake';
import { planSymbolRepair } from './late-repair.plan';
import { type SilverExactlyOnce } from './silver-exactly-once';
import { type SilverMetrics } from './silver-metrics';
import { type SilverReader } from './silver-reader';
import { type RefinedOutcome } from './silver-refine';
import { replayPlan, type SilverModel, type SymbolBook } from './symbol-book';

/*
 * The late repair (issue #5): every `late` row of `silver.ticks` (within the watermark when it arrived) is applied
 * in event-time order, and the rows after it get the features in-order arrival would have given them — through the
 * live refiner's own step, from Silver's rows alone (`late-repair.plan.ts`). `expired` rows are never repaired.
 *
 * Per symbol with unrepaired late rows: the earliest late event time T; the applied rows before T that rebuild the
 * book (the replay plan a restart uses); every row from T on; re-step in replay order (event time, ties by arrival);
 * the changed rows go into ONE MERGE-update commit for all symbols (`SilverExactlyOnce.commitRepair`, which states
 * why it is exactly once). Outcomes that changed are handed to `beforeCommit` first (the live refiner re-emits them
 * to `ticks.outcomes`; Gold upserts by `eventId`); `ticks.refined` is not re-sent: predictions made live are history.
 *
 * The live refiner runs it inside its pass loop (serialized with its commits): after a commit that stored late
 * ticks, and once after each resume. It then adopts the returned books, which equal a rebuild from the repaired
 * Silver, so its next tick steps exactly as after a restart. `refiner repair-late` runs the same code.
 *
 * Cost: the rows from T on of every repaired symbol are held until the commit. In the live loop T lies within the
 * last chunk (plus the allowed lateness), so that is about a chunk; a one-off run over a Silver whose late rows go far
 * back holds each such symbol's history after its earliest one.
 */

export interface LateRepairResult {
  /** Symbols that had unrepaired late rows. */
  readonly symbols: number;
  /** Late rows applied now (`late` → `repaired`). */
  readonly repaired: number;
  /** Later rows whose features changed. */
  readonly recomputed: number;
  /** Outcomes that changed or are new, in emission order per symbol. */
  readonly outcomes: readonly RefinedOutcome[];
  /** The repair's `silver.ticks` version; `undefined` when nothing changed. */
  readonly version: bigint | undefined;
  /** The repaired symbols' books after their latest rows. */
  readonly books: ReadonlyMap<string, SymbolBook>;
}

export interface LateRepairOptions {
  /** Only these symbols (the live refiner passes the symbols of the late ticks it just stored). */
  readonly symbols?: ReadonlySet<string>;
  /**
   * Called with the changed outcomes (when there are any) before the commit, with the Silver version the repair
   * read: a crash after it re-runs the repair, which hands over the same outcomes again.
   */
  readonly beforeCommit?: (outcomes: readonly RefinedOutcome[], silverVersion: bigint) => Promise<void>;
}

export class LateRepair {
  constructor(
    private readonly silver: SilverExactlyOnce,
    private readonly reader: SilverReader,
    private readonly model: SilverModel,
    private readonly metrics?: SilverMetrics,
  ) {}

  /** Repairs every symbol with unrepaired late rows (or those of `options.symbols`). Call after `silver.resume()`. */
  async run(options: LateRepairOptions = {}): Promise<LateRepairResult> {
    const late = await this.reader.lateSymbols(options.symbols);
    const plan = replayPlan(this.model);
    const updates: SilverTickRow[] = [];
    const outcomes: RefinedOutcome[] = [];
    const books = new Map<string, SymbolBook>();
    let repaired = 0;
    let recomputed = 0;
    for (const [symbol, fromUs] of [...late].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const repair = planSymbolRepair(await this.reader.repairInput(symbol, fromUs, plan), this.model);
      updates.push(...repair.updates);
      for (const outcome of repair.outcomes) outcomes.push({ symbol, outcome });
      books.set(symbol, repair.book);
      repaired += repair.repaired;
      recomputed += repair.recomputed;
    }
    const readVersion = this.silver.readVersion();
    if (outcomes.length > 0 && options.beforeCommit !== undefined && readVersion !== undefined) {
      await options.beforeCommit(outcomes, readVersion);
    }
    const commit = await this.silver.commitRepair(updates);
    this.metrics?.lateRepaired.inc({ kind: 'late' }, repaired);
    this.metrics?.lateRepaired.inc({ kind: 'recomputed' }, recomputed);
    this.metrics?.lateRepairOutcomes.inc(outcomes.length);
    return { symbols: late.size, repaired, recomputed, outcomes, version: commit.version, books };
  }
}

/** The symbols of the `late` rows among a chunk's events: what the live refiner asks to repair. */
export function lateSymbolsOf(events: readonly { readonly row: SilverTickRow }[]): Set<string> {
  return new Set(events.filter((e) => e.row.lateStatus === 'late').map((e) => e.row.symbol));
}
