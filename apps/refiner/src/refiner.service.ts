import {
  encodeJson,
  MessageProducer,
  type OutboundMessage,
  refinedTickRecords,
  TICK_OUTCOME_SCHEMA_VERSION,
  type TickOutcome,
} from '@lakehouse/bus';
import { BRONZE_TICKS, Lake } from '@lakehouse/lake';
import { Clock, CodedError, errorMessage } from '@lakehouse/platform';
import { Logger } from '@nestjs/common';
import { REFINER_TOPICS } from './config/refiner.config';
import { bronzeEntriesOf } from './silver/bronze-entries';
import { LateRepair, lateSymbolsOf } from './silver/late-repair';
import { SilverExactlyOnce } from './silver/silver-exactly-once';
import { SilverMetrics } from './silver/silver-metrics';
import { SilverReader } from './silver/silver-reader';
import {
  type RefinedEvent,
  type RefinedOutcome,
  refineChunk,
  type RefineRules,
  restepRows,
} from './silver/silver-refine';
import { rebuildBook, replayPlan, type SilverModel, type SymbolBook } from './silver/symbol-book';

export interface RefinerOptions {
  readonly model: SilverModel;
  readonly rules: RefineRules;
  /** Bronze versions per Silver commit, at most. */
  readonly maxVersionsPerCommit: number;
  /**
   * Bronze rows a commit aims at. A loader version holds 250k rows, a live one a few hundred: the span of versions
   * read at once starts at one, doubles while chunks stay under half the target and halves when one exceeds it.
   */
  readonly targetRowsPerCommit: number;
  /** Publish to `ticks.refined` / `ticks.outcomes` (off for a backfill). */
  readonly publish: boolean;
  /** Where to start when Silver holds no position yet: after this Bronze version (0: all of Bronze). */
  readonly startAfterVersion: bigint;
  /** Run the late repair in the pass loop (after a commit that stored late ticks, and after each resume). */
  readonly repairLate?: boolean;
}

export interface CatchUpSummary {
  /** The last Bronze version refined. */
  readonly position: bigint;
  readonly bronzeRows: number;
  readonly inserted: number;
  readonly quarantined: number;
}

const MICROS_PER_MILLI = 1000n;
const MICROS_PER_SECOND = 1e6;

/**
 * Bronze → Silver, one chunk of Bronze versions per Silver commit (see `silver/silver-exactly-once.ts` for the
 * invariant). A pass catches up with Bronze's latest version; `lake.commits` notifications and a timer only start
 * passes, which never overlap. After each commit the inserted events go to `ticks.refined` (with their model
 * window) and the realized labels to `ticks.outcomes`. Any failure makes the next pass resume from Silver: reload
 * the position, rebuild the feature books from Silver's tail and replay the last commit's produce.
 */
export class RefinerService {
  private readonly log = new Logger('RefinerService');
  private books: ReadonlyMap<string, SymbolBook> = new Map();
  private position: bigint | undefined;
  private active: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastError: string | null = null;
  /** Bronze versions the next chunk reads (see {@link RefinerOptions.targetRowsPerCommit}). */
  private span = 1;

  constructor(
    private readonly bronze: Lake,
    private readonly silver: SilverExactlyOnce,
    private readonly reader: SilverReader,
    private readonly producer: MessageProducer,
    private readonly metrics: SilverMetrics,
    private readonly clock: Clock,
    private readonly options: RefinerOptions,
  ) {}

  /** For readiness: resumed from Silver and no failure since (a failed pass clears it until the next succeeds). */
  status(): {
    readonly resumed: boolean;
    readonly position: string | null;
    readonly lastError: string | null;
  } {
    return {
      resumed: this.position !== undefined,
      position: this.position === undefined ? null : String(this.position),
      lastError: this.lastError,
    };
  }

  /** Polls Bronze every `intervalMs` besides the notifications. */
  startPolling(intervalMs: number): void {
    this.wake();
    this.timer = setInterval(() => this.wake(), intervalMs);
  }

  /** Stops polling and waits for the chunk in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Starts a pass, or asks the running one to look again when it ends. Failures are logged; the next pass resumes. */
  wake(): void {
    if (this.stopped) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = this.passes().finally(() => {
      this.active = undefined;
    });
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.active) await this.active;
  }

  /** One pass to Bronze's latest version, for the CLI and tests: failures are thrown. */
  async catchUp(): Promise<CatchUpSummary> {
    await this.idle();
    const summary = { bronzeRows: 0, inserted: 0, quarantined: 0 };
    await this.pass(summary);
    return { ...summary, position: this.position ?? this.options.startAfterVersion };
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass({ bronzeRows: 0, inserted: 0, quarantined: 0 });
        this.lastError = null;
      } catch (error) {
        this.lastError = `${codeOf(error)}: ${errorMessage(error)}`;
        this.log.error({
          msg: 'refine pass failed; resuming from Silver',
          code: codeOf(error),
          error: errorMessage(error),
        });
      }
    } while (this.again);
  }

  private async pass(summary: { bronzeRows: number; inserted: number; quarantined: number }): Promise<void> {
    try {
      if (this.position === undefined) await this.resume();
      // A stop ends the pass after the chunk in flight (committed and published), not after the whole backlog.
      while (!this.stopped) {
        const latest = await this.bronze.latestVersion(BRONZE_TICKS);
        const from = this.position!;
        if (latest === undefined || latest <= from) return;
        const step = BigInt(this.span);
        const upTo = latest - from > step ? from + step : latest;
        const done = await this.refineVersions(from, upTo);
        this.span = nextSpan(this.span, done.bronzeRows, this.options);
        summary.bronzeRows += done.bronzeRows;
        summary.inserted += done.inserted;
        summary.quarantined += done.quarantined;
      }
    } catch (error) {
      this.position = undefined;
      this.metrics.commitFailures.inc({ code: codeOf(error) });
      throw error;
    }
  }

  /**
   * Position and books from Silver. The last commit that inserted rows may not have been published (a crash
   * between commit and produce), so its rows are stepped again from the books as they were before it, and its
   * records are published again: at-least-once, deduplicated downstream by `eventId`.
   */
  private async resume(): Promise<void> {
    const { model } = this.options;
    await this.silver.ensureTables();
    const { position, lastCommit } = await this.silver.resume();
    const tails = await this.reader.trailingApplied(replayPlan(model), lastCommit?.rows[0]?.bronzeVersion);
    let books = new Map([...tails].map(([symbol, ticks]) => [symbol, rebuildBook(ticks, model)]));
    if (lastCommit) {
      const replay = restepRows(books, lastCommit.rows, model);
      books = new Map(replay.books);
      await this.publish(replay.events, replay.outcomes, lastCommit.version);
      if (this.options.publish) this.metrics.replayedOnStart.inc(replay.events.length);
    }
    this.books = books;
    this.position = position ?? this.options.startAfterVersion;
    this.metrics.position.set(Number(this.position));
    this.log.log({
      msg: 'resumed from silver.ticks',
      position: String(this.position),
      symbols: books.size,
      replayedCommit: lastCommit === undefined ? null : String(lastCommit.version),
    });
    if (this.options.repairLate) await this.repairLate();
  }

  private async refineVersions(
    from: bigint,
    upTo: bigint,
  ): Promise<{ bronzeRows: number; inserted: number; quarantined: number }> {
    const entries = bronzeEntriesOf(await this.bronze.changes(BRONZE_TICKS, from, upTo));
    const refined = refineChunk(this.books, entries, this.options.rules, this.options.model, this.nowUs());
    const endCommit = this.metrics.commitDuration.startTimer();
    const commit = await this.silver.commit({
      lastBronzeVersion: upTo,
      rows: refined.events.map((e) => e.row),
      rejects: refined.rejects,
    });
    endCommit();
    const inserted = refined.events.filter((e) => commit.insertedIds.has(e.row.eventId));
    const stale = refined.events.find(
      (e) => e.row.lateStatus === 'on_time' && !commit.insertedIds.has(e.row.eventId),
    );
    if (stale !== undefined) {
      // The books said this event was new, Silver already held it: they are out of date (another writer?).
      throw new RefinerStateError(
        `event ${stale.row.eventId} of ${stale.row.symbol} was already in silver.ticks`,
      );
    }
    this.books = refined.books;
    this.position = upTo;
    this.record(refined.counts, refined.rejects, inserted, refined.events.length);
    if (commit.version !== undefined) await this.publish(inserted, refined.outcomes, commit.version);
    const late = lateSymbolsOf(inserted);
    if (this.options.repairLate && late.size > 0) await this.repairLate(late);
    return { bronzeRows: entries.length, inserted: inserted.length, quarantined: commit.quarantined };
  }

  /**
   * The late repair (`silver/late-repair.ts`), serialized with the commits: it re-emits the outcomes it changed, then
   * the repaired symbols' books (equal to a rebuild from Silver) replace ours. A failure before its commit changed
   * nothing and is logged (the next late tick or restart retries); one of its commit makes the pass resume.
   */
  private async repairLate(symbols?: ReadonlySet<string>): Promise<void> {
    try {
      const repair = await new LateRepair(this.silver, this.reader, this.options.model, this.metrics).run({
        ...(symbols === undefined ? {} : { symbols }),
        beforeCommit: (outcomes, silverVersion) => this.publish([], outcomes, silverVersion),
      });
      this.books = new Map([...this.books, ...repair.books]);
    } catch (error) {
      if (this.silver.readVersion() === undefined) throw error;
      this.log.warn({
        msg: 'late repair failed; retried later',
        code: codeOf(error),
        error: errorMessage(error),
      });
    }
  }

  private record(
    counts: ReturnType<typeof refineChunk>['counts'],
    rejects: ReturnType<typeof refineChunk>['rejects'],
    inserted: readonly RefinedEvent[],
    merged: number,
  ): void {
    const m = this.metrics;
    m.bronzeRows.inc(counts.bronzeRows);
    m.inserted.inc(inserted.length);
    for (const r of rejects) for (const code of r.reasonCodes.split(',')) m.rejected.inc({ reason: code });
    m.duplicates.inc({ where: 'chunk' }, counts.duplicatesInChunk);
    m.duplicates.inc({ where: 'head' }, counts.knownDuplicates);
    m.duplicates.inc({ where: 'merge' }, merged - inserted.length);
    m.lateTicks.inc({ status: 'late' }, counts.late);
    m.lateTicks.inc({ status: 'expired' }, counts.expired);
    m.position.set(Number(this.position));
    const now = this.nowUs();
    for (const e of inserted) {
      if (e.ingestTimeUs !== null) m.freshness.observe(Number(now - e.ingestTimeUs) / MICROS_PER_SECOND);
    }
  }

  /** One produce: the Kafka adapter cuts it into requests under Kafka's size limit. */
  private async publish(
    events: readonly RefinedEvent[],
    outcomes: readonly RefinedOutcome[],
    silverVersion: bigint,
  ): Promise<void> {
    if (!this.options.publish) return;
    await this.producer.sendBatch([
      { topic: REFINER_TOPICS.output, messages: this.refinedRecords(events, silverVersion) },
      { topic: REFINER_TOPICS.outcomes, messages: outcomes.map(outcomeRecord(silverVersion)) },
    ]);
  }

  /** `ticks.refined` records: per symbol, in event order, windows packed (see the contract). */
  private refinedRecords(events: readonly RefinedEvent[], silverVersion: bigint): OutboundMessage[] {
    const featureVersion = this.options.model.features.version;
    const drafts = events.map(({ row, sequence }) => ({
      eventId: row.eventId,
      symbol: row.symbol,
      eventTimeUs: row.eventTimeUs,
      price: row.price,
      volume: Number(row.volume),
      tradeId: row.tradeId,
      featureVersion: row.featureVersion ?? featureVersion,
      window: sequence,
    }));
    return [...refinedTickRecords(drafts, silverVersion)];
  }

  private nowUs(): bigint {
    return BigInt(this.clock.now().getTime()) * MICROS_PER_MILLI;
  }
}

/** The `ticks.outcomes` record of a realized label. */
export function tickOutcomeOf({ symbol, outcome }: RefinedOutcome, silverVersion: bigint): TickOutcome {
  return {
    schemaVersion: TICK_OUTCOME_SCHEMA_VERSION,
    eventId: outcome.eventId,
    symbol,
    eventTimeUs: outcome.eventTimeUs.toString(),
    horizonEventId: outcome.horizonEventId,
    realizedReturn: outcome.realizedReturn,
    threshold: outcome.threshold,
    label: outcome.label,
    labelVersion: outcome.labelVersion,
    silverVersion: silverVersion.toString(),
  };
}

/** A `ticks.outcomes` message (key = symbol). */
function outcomeRecord(silverVersion: bigint): (o: RefinedOutcome) => OutboundMessage {
  return (o) => ({ key: o.symbol, value: encodeJson(tickOutcomeOf(o, silverVersion)) });
}

/** The span of the next chunk: halved after an oversized chunk, doubled after a small one, within the bounds. */
export function nextSpan(
  span: number,
  rows: number,
  options: Pick<RefinerOptions, 'maxVersionsPerCommit' | 'targetRowsPerCommit'>,
): number {
  if (rows > options.targetRowsPerCommit) return Math.max(1, Math.floor(span / 2));
  if (rows < options.targetRowsPerCommit / 2) return Math.min(options.maxVersionsPerCommit, span * 2);
  return Math.min(options.maxVersionsPerCommit, span);
}

/** The refiner's books disagree with Silver; the pass fails and the next one rebuilds them. */
export class RefinerStateError extends CodedError<'REFINER_STATE_DIVERGED'> {
  constructor(message: string) {
    super('REFINER_STATE_DIVERGED', message);
  }
}

/** The stable code of anything thrown (lake, bus and platform errors all carry one), for logs and metrics. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
