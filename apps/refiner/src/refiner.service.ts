import {
  MessageProducer,
  type OutboundMessage,
  refinedTickRecords,
  TICK_OUTCOME_SCHEMA_VERSION,
  type TickOutcome,
  tickOutcomeRecords,
} from '@lakehouse/bus';
import { BRONZE_TICKS, Lake } from '@lakehouse/lake';
import { Clock, CodedError, errorMessage } from '@lakehouse/platform';
import { type Table } from 'apache-arrow';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { REFINER_TOPICS } from './config/refiner.config';
import { type BronzeEntry, bronzeEntriesOf, bronzeEntriesOfCommits } from './silver/bronze-entries';
import { LateRepair, lateSymbolsOf } from './silver/late-repair';
import { SilverExactlyOnce } from './silver/silver-exactly-once';
import { SilverMetrics } from './silver/silver-metrics';
import { SilverReader } from './silver/silver-reader';
import {
  type RefineCounts,
  type RefinedEvent,
  type RefinedOutcome,
  refineChunk,
  type RefineRules,
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
  /**
   * A Silver commit starts at least this long after the previous one started (0: at once); what is refined
   * meanwhile joins it. The live signal does not wait for commits, so this trades Silver's freshness for fewer MERGEs.
   */
  readonly minCommitIntervalMs?: number;
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
/** Handed-over Bronze versions held at most (each a commit's rows: a few hundred KiB at most). */
const HANDED_OVER_VERSIONS = 256;

/** Refined and announced Bronze versions waiting for their Silver commit. */
interface PendingChunk {
  /** The last Bronze version the chunk covers. */
  readonly lastBronzeVersion: bigint;
  readonly events: readonly RefinedEvent[];
  readonly rejects: ReturnType<typeof refineChunk>['rejects'];
  readonly counts: RefineCounts;
}

/**
 * Bronze → Silver (see `silver/silver-exactly-once.ts` for the invariant). A pass catches up with Bronze's latest
 * version; `lake.commits` notifications and a timer only start passes, which never overlap.
 *
 * Announce first, commit behind: each chunk of Bronze versions is refined from the books, its events (with their
 * model windows) go to `ticks.refined` and its realized labels to `ticks.outcomes` at once, and the chunk joins the
 * queue of the Silver committer. One MERGE at a time takes everything queued (up to `targetRowsPerCommit` rows),
 * so the live signal never waits for a MERGE and a slow MERGE only makes the next one larger. The refining runs at
 * most one commit's worth of rows ahead. Refining is deterministic (the books are a function of Silver and the
 * Bronze rows), so when a commit fails the pass resumes from Silver, refines the uncommitted versions again and
 * announces the same events again: downstream sees every Silver event at least once and dedupes by `eventId`.
 * The late repair runs only when nothing is queued, so its books are Silver's.
 */
export class RefinerService {
  private readonly log = new Logger('RefinerService');
  private books: ReadonlyMap<string, SymbolBook> = new Map();
  /** The Bronze version Silver holds (committed). */
  private position: bigint | undefined;
  /** The Bronze version the books have stepped through and announced (≥ {@link position}). */
  private refinedTo: bigint | undefined;
  private pending: PendingChunk[] = [];
  private committing: Promise<void> | undefined;
  private commitFailure: Error | undefined;
  /** When the last Silver commit started (ms, the clock's). */
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** Symbols whose late ticks Silver stored since the last repair. */
  private lateSymbols = new Set<string>();
  private active: Promise<void> | undefined;
  private again = false;
  /** Ends the running pass's wait for its commit: new Bronze versions are refined while a commit is in flight. */
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastError: string | null = null;
  /** Bronze versions the next chunk reads (see {@link RefinerOptions.targetRowsPerCommit}). */
  private span = 1;
  /** Rows of Bronze versions not refined yet, handed over with their commit notifications (see {@link offer}). */
  private readonly handedOver = new Map<bigint, Table>();
  /** Bronze's log may hold versions no hand-over brings (a wake, a poll, a resume): look at it next. */
  private logDue = true;

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

  /** Stops polling; the pass in flight commits what it announced and ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /**
   * Starts a pass, or asks the running one to look again when it ends, at Bronze's log. Failures are logged; the next
   * pass resumes.
   */
  wake(): void {
    this.logDue = true;
    this.nudge();
  }

  /** {@link wake} for handed-over rows only: the pass takes them, and reads the log only where they leave a gap. */
  private nudge(): void {
    if (this.stopped) return;
    if (this.active) {
      this.again = true;
      this.wakeUp?.();
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

  /**
   * The rows a Bronze version added, handed over with its commit notification: the refiner takes them instead of
   * reading that version's change feed. Only a run of such versions right after the refined position is taken; any
   * other version is read from the change feed, so a lost, late or repeated hand-over changes nothing but cost.
   * At most {@link HANDED_OVER_VERSIONS} are held (the oldest dropped).
   */
  offer(version: bigint, rows: Table): void {
    if (this.refinedTo !== undefined && version <= this.refinedTo) return;
    this.handedOver.set(version, rows);
    if (this.handedOver.size > HANDED_OVER_VERSIONS) this.handedOver.delete(this.firstHandedOverAfter(-1n)!);
    this.nudge();
  }

  /** One pass to Bronze's latest version, for the CLI and tests: failures are thrown. */
  async catchUp(): Promise<CatchUpSummary> {
    await this.idle();
    const summary = { bronzeRows: 0, inserted: 0, quarantined: 0 };
    this.logDue = true;
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

  /**
   * Refines and announces while Bronze has new versions (at most one commit's worth of rows ahead of Silver),
   * keeps one Silver commit in flight, and ends when everything refined is committed (and repaired).
   */
  private async pass(summary: Summary): Promise<void> {
    try {
      if (this.position === undefined) await this.resume();
      for (;;) {
        this.throwCommitFailure();
        // A due repair stops the refining until everything queued is committed: it needs Silver's books.
        const repairDue = this.options.repairLate === true && this.lateSymbols.size > 0 && !this.stopped;
        const from = this.refinedTo!;
        const room = !this.stopped && !repairDue && this.pendingRows() < this.options.targetRowsPerCommit;
        const handedTo = room ? this.handedOverRun(from) : from;
        // The log is read when something may be there that no hand-over brings: after a wake, or for a gap before
        // handed-over versions (a version committed by the loader or the maintainer, or a hand-over lost).
        const nextHanded = this.firstHandedOverAfter(from);
        const readLog = room && handedTo === from && (this.logDue || nextHanded !== undefined);
        if (readLog) this.logDue = false;
        const latest = readLog ? await this.bronze.latestVersion(BRONZE_TICKS) : undefined;
        if (handedTo > from) {
          summary.bronzeRows += await this.refineAndAnnounce(handedTo, this.takeHandedOver(from, handedTo));
          this.startCommit(summary);
        } else if (latest !== undefined && latest > from) {
          const step = BigInt(this.span);
          let upTo = latest - from > step ? from + step : latest;
          if (nextHanded !== undefined && nextHanded <= upTo) upTo = nextHanded - 1n;
          if (upTo < latest) this.logDue = true;
          const entries = bronzeEntriesOf(await this.bronze.changes(BRONZE_TICKS, from, upTo));
          this.metrics.bronzeReads.inc({ source: 'change_feed' });
          const bronzeRows = await this.refineAndAnnounce(upTo, entries);
          this.span = nextSpan(this.span, bronzeRows, this.options);
          summary.bronzeRows += bronzeRows;
          this.startCommit(summary);
        } else if (this.committing) {
          await Promise.race([this.committing, new Promise<void>((resolve) => (this.wakeUp = resolve))]);
          this.wakeUp = undefined;
        } else if (this.pending.length > 0) {
          this.startCommit(summary);
        } else if (repairDue) {
          await this.repairLate(this.lateSymbols);
        } else {
          return;
        }
      }
    } catch (error) {
      // Nothing may run on after a failure: let the commit in flight settle, then forget all but Silver.
      await this.committing;
      this.position = undefined;
      this.refinedTo = undefined;
      this.pending = [];
      this.commitFailure = undefined;
      this.metrics.commitFailures.inc({ code: codeOf(error) });
      throw error;
    }
  }

  /**
   * Position and books from Silver (its applied tail per symbol), and, with the repair on, a late repair of
   * whatever Silver holds unrepaired. Nothing is produced again: every committed event was announced before its
   * commit.
   */
  private async resume(): Promise<void> {
    const { model } = this.options;
    await this.silver.ensureTables();
    const { position } = await this.silver.resume();
    const tails = await this.reader.trailingApplied(replayPlan(model));
    this.books = new Map([...tails].map(([symbol, ticks]) => [symbol, rebuildBook(ticks, model)]));
    this.position = position ?? this.options.startAfterVersion;
    this.refinedTo = this.position;
    this.logDue = true;
    this.metrics.position.set(Number(this.position));
    this.log.log({
      msg: 'resumed from silver.ticks',
      position: String(this.position),
      symbols: this.books.size,
    });
    if (this.options.repairLate) await this.repairLate();
  }

  /** The last version of the run of handed-over versions right after `from` (`from` when there is none). */
  private handedOverRun(from: bigint): bigint {
    let upTo = from;
    while (this.handedOver.has(upTo + 1n)) upTo += 1n;
    return upTo;
  }

  /** The first handed-over version after `from`, if any. */
  private firstHandedOverAfter(from: bigint): bigint | undefined {
    let first: bigint | undefined;
    for (const version of this.handedOver.keys()) {
      if (version > from && (first === undefined || version < first)) first = version;
    }
    return first;
  }

  /** The handed-over versions `(from, upTo]` as Bronze entries. */
  private takeHandedOver(from: bigint, upTo: bigint): BronzeEntry[] {
    const commits = [];
    for (let version = from + 1n; version <= upTo; version += 1n) {
      commits.push({ version, rows: this.handedOver.get(version)! });
    }
    this.metrics.bronzeReads.inc({ source: 'handed_over' });
    return bronzeEntriesOfCommits(commits);
  }

  /**
   * Refines the `entries` of the Bronze versions after the refined position, up to `upTo`, from the books and
   * announces the result; the commit follows. Returns the number of Bronze rows.
   */
  private async refineAndAnnounce(upTo: bigint, entries: readonly BronzeEntry[]): Promise<number> {
    const refined = refineChunk(this.books, entries, this.options.rules, this.options.model, this.nowUs());
    await this.publish(refined.events, refined.outcomes, this.silver.readVersion() ?? 0n, upTo);
    if (this.options.publish) this.observeSince(this.metrics.announceLatency, refined.events);
    this.books = refined.books;
    this.refinedTo = upTo;
    for (const version of this.handedOver.keys()) if (version <= upTo) this.handedOver.delete(version);
    this.pending.push({
      lastBronzeVersion: upTo,
      events: refined.events,
      rejects: refined.rejects,
      counts: refined.counts,
    });
    return entries.length;
  }

  private pendingRows(): number {
    return this.pending.reduce((sum, chunk) => sum + chunk.events.length, 0);
  }

  /**
   * Starts the next Silver commit, unless one is in flight: after the commit interval (none once stopping), it
   * takes the queued chunks, up to `targetRowsPerCommit` rows.
   */
  private startCommit(summary: Summary): void {
    if (this.committing !== undefined || this.pending.length === 0) return;
    this.committing = this.commitWhenDue(summary).then(
      () => {
        this.committing = undefined;
      },
      (error: unknown) => {
        this.committing = undefined;
        this.commitFailure = error instanceof Error ? error : new Error(errorMessage(error));
      },
    );
  }

  private async commitWhenDue(summary: Summary): Promise<void> {
    const wait = this.lastCommitAt + (this.options.minCommitIntervalMs ?? 0) - this.clock.now().getTime();
    if (wait > 0 && !this.stopped) await delay(wait);
    this.lastCommitAt = this.clock.now().getTime();
    await this.commitChunks(this.takeQueued(), summary);
  }

  /** What the next commit takes: the oldest queued chunk, and the next ones while the rows stay within the target. */
  private takeQueued(): PendingChunk[] {
    let rows = this.pending[0]!.events.length;
    let take = 1;
    while (
      take < this.pending.length &&
      rows + this.pending[take]!.events.length <= this.options.targetRowsPerCommit
    ) {
      rows += this.pending[take]!.events.length;
      take += 1;
    }
    return this.pending.splice(0, take);
  }

  private throwCommitFailure(): void {
    if (this.commitFailure !== undefined) throw this.commitFailure;
  }

  /** One Silver commit of queued chunks (their rows unique by event id: a later copy of a late tick is dropped). */
  private async commitChunks(chunks: readonly PendingChunk[], summary: Summary): Promise<void> {
    const byId = new Map<string, RefinedEvent>();
    for (const e of chunks.flatMap((c) => c.events)) if (!byId.has(e.row.eventId)) byId.set(e.row.eventId, e);
    const events = [...byId.values()];
    const upTo = chunks.at(-1)!.lastBronzeVersion;
    const endCommit = this.metrics.commitDuration.startTimer();
    const commit = await this.silver.commit({
      lastBronzeVersion: upTo,
      rows: events.map((e) => e.row),
      rejects: chunks.flatMap((c) => c.rejects),
    });
    endCommit();
    const inserted = events.filter((e) => commit.insertedIds.has(e.row.eventId));
    const stale = events.find(
      (e) => e.row.lateStatus === 'on_time' && !commit.insertedIds.has(e.row.eventId),
    );
    if (stale !== undefined) {
      // The books said this event was new, Silver already held it: they are out of date (another writer?).
      throw new RefinerStateError(
        `event ${stale.row.eventId} of ${stale.row.symbol} was already in silver.ticks`,
      );
    }
    this.position = upTo;
    this.record(chunks, inserted);
    for (const symbol of lateSymbolsOf(inserted)) this.lateSymbols.add(symbol);
    summary.inserted += inserted.length;
    summary.quarantined += commit.quarantined;
  }

  /**
   * The late repair (`silver/late-repair.ts`), run when nothing is queued: it re-emits the outcomes it changed,
   * then the repaired symbols' books (equal to a rebuild from Silver) replace ours. A failure before its commit
   * changed nothing and is logged (the next late tick or restart retries); one of its commit makes the pass resume.
   */
  private async repairLate(symbols?: ReadonlySet<string>): Promise<void> {
    this.lateSymbols = new Set();
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

  private record(chunks: readonly PendingChunk[], inserted: readonly RefinedEvent[]): void {
    const m = this.metrics;
    let queued = 0;
    for (const { counts, rejects, events } of chunks) {
      queued += events.length;
      m.bronzeRows.inc(counts.bronzeRows);
      for (const r of rejects) for (const code of r.reasonCodes.split(',')) m.rejected.inc({ reason: code });
      m.duplicates.inc({ where: 'chunk' }, counts.duplicatesInChunk);
      m.duplicates.inc({ where: 'head' }, counts.knownDuplicates);
      m.lateTicks.inc({ status: 'late' }, counts.late);
      m.lateTicks.inc({ status: 'expired' }, counts.expired);
    }
    m.inserted.inc(inserted.length);
    // Queued rows the MERGE found in Silver, or a later copy of a late tick queued with the first one.
    m.duplicates.inc({ where: 'merge' }, queued - inserted.length);
    m.position.set(Number(this.position));
    this.observeSince(m.freshness, inserted);
  }

  /** Observes, per event, the seconds since Bronze received it. */
  private observeSince(histogram: SilverMetrics['freshness'], events: readonly RefinedEvent[]): void {
    const now = this.nowUs();
    for (const e of events) {
      if (e.ingestTimeUs !== null) histogram.observe(Number(now - e.ingestTimeUs) / MICROS_PER_SECOND);
    }
  }

  /**
   * One produce: the Kafka adapter cuts it into requests under Kafka's size limit. `silverVersion` is the lineage
   * the records name: the Silver version this refiner had committed when it announced them (the events themselves
   * are in a later one). `bronzeVersion`, the chunk's last, tells readers of Silver when it holds them.
   */
  private async publish(
    events: readonly RefinedEvent[],
    outcomes: readonly RefinedOutcome[],
    silverVersion: bigint,
    bronzeVersion?: bigint,
  ): Promise<void> {
    if (!this.options.publish) return;
    await this.producer.sendBatch([
      {
        topic: REFINER_TOPICS.output,
        messages: this.refinedRecords(events, silverVersion, bronzeVersion),
      },
      {
        topic: REFINER_TOPICS.outcomes,
        messages: [...tickOutcomeRecords(outcomes.map((o) => tickOutcomeOf(o, silverVersion)))],
      },
    ]);
  }

  /** `ticks.refined` records: per symbol, in event order, windows packed (see the contract). */
  private refinedRecords(
    events: readonly RefinedEvent[],
    silverVersion: bigint,
    bronzeVersion: bigint | undefined,
  ): OutboundMessage[] {
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
    return [...refinedTickRecords(drafts, silverVersion, bronzeVersion)];
  }

  private nowUs(): bigint {
    return BigInt(this.clock.now().getTime()) * MICROS_PER_MILLI;
  }
}

type Summary = { bronzeRows: number; inserted: number; quarantined: number };

/** The `ticks.outcomes` event of a realized label (sent in runs per symbol: see the contract). */
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
