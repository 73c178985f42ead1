import { setTimeout as delay } from 'node:timers/promises';
import {
  type BusRecord,
  DeadLetterPort,
  deadLetterOf,
  encodeJson,
  LAKE_COMMIT_ROWS_HEADER,
  LAKE_COMMIT_ROWS_MAX_BYTES,
  LAKE_COMMIT_SCHEMA_VERSION,
  type LakeCommitNotification,
  MessageProducer,
  type RecordBatch,
} from '@lakehouse/bus';
import { BRONZE_TICKS, isCommitConflict, toArrowIpc } from '@lakehouse/lake';
import { Clock } from '@lakehouse/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type BronzeCommit,
  BronzeExactlyOnce,
  type BronzeSlice,
  liveAppId,
} from './bronze/bronze-exactly-once';
import { BronzeMetrics } from './bronze/bronze-metrics';
import { type BronzeOutcome } from './bronze/bronze-rows';
import { INGESTOR_TOPICS } from './config/ingestor.config';

/** A consumed record, decoded at the edge. */
export interface LiveRecord {
  readonly record: BusRecord;
  readonly offset: bigint;
  readonly outcome: BronzeOutcome;
}

export const INGESTOR_OPTIONS = Symbol('INGESTOR_OPTIONS');

export interface IngestorOptions {
  /** Records per Delta commit; a fetched batch larger than this is committed in several slices. */
  readonly maxRecordsPerCommit: number;
  /** A group commit starts at least this long after the previous one started (0 or absent: at once). */
  readonly minCommitIntervalMs?: number;
}

const SOURCE = 'live';

/** A partition's records waiting for the next group commit, and its handler's promise. */
interface QueuedSlice {
  readonly batch: RecordBatch;
  readonly appId: string;
  readonly records: readonly LiveRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A queued slice's records above its stream's stored position, as the commit holds them. */
interface FreshSlice {
  readonly records: readonly LiveRecord[];
  readonly slice: BronzeSlice;
}

/**
 * The live path: partitions' batches → Bronze, exactly once (see `bronze-exactly-once.ts`), then dead letters and a
 * `lake.commits` notification. Kafka offsets are committed by the transport after {@link ingest} resolves.
 *
 * Group commit: the transport hands batches of several partitions at once (`BRONZE_CONCURRENT_PARTITIONS`), and the
 * slices queued while a Bronze commit is in flight (or in the same turn of the event loop) go into the next one:
 * one Delta commit carrying each partition's position as its own txn, instead of one commit per partition. Each
 * handler resolves when the commit holding its slice did, and fails when it failed (its partition is then re-seeked
 * to its stored position like any failed batch). The committer alone reads the stored positions, all of a group at
 * the read version its commit is checked from, and drops the records at or below them there. A commit starts at
 * least `minCommitIntervalMs` after the previous one started (`BRONZE_MIN_COMMIT_INTERVAL_MS`).
 */
@Injectable()
export class IngestorService {
  private readonly log = new Logger('IngestorService');
  private readonly queue: QueuedSlice[] = [];
  private committing = false;
  /** When the last group commit started (ms, the clock's). */
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** Partitions already reported as behind their stored position (once per process). */
  private readonly reportedBehind = new Set<string>();

  constructor(
    private readonly bronze: BronzeExactlyOnce,
    private readonly producer: MessageProducer,
    private readonly deadLetters: DeadLetterPort,
    private readonly metrics: BronzeMetrics,
    private readonly clock: Clock,
    @Inject(INGESTOR_OPTIONS) private readonly options: IngestorOptions,
  ) {}

  async ingest(batch: RecordBatch, records: readonly LiveRecord[]): Promise<void> {
    const appId = liveAppId(batch.topic, batch.partition);
    this.metrics.recordsIn.inc({ source: SOURCE }, records.length);
    for (let start = 0; start < records.length; start += this.options.maxRecordsPerCommit) {
      await this.enqueue(batch, appId, records.slice(start, start + this.options.maxRecordsPerCommit));
    }
  }

  /** Queues one partition's records for the next group commit; resolves once they are in Bronze. */
  private enqueue(batch: RecordBatch, appId: string, records: readonly LiveRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, appId, records, resolve, reject });
      // On the next turn (or once the commit interval is up), so the batches handed over meanwhile all join it.
      if (!this.committing) {
        this.committing = true;
        const wait = this.untilNextCommit();
        if (wait > 0) setTimeout(() => void this.commitQueued(), wait);
        else setImmediate(() => void this.commitQueued());
      }
    });
  }

  private async commitQueued(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const wait = this.untilNextCommit();
        if (wait > 0) await delay(wait);
        this.lastCommitAt = this.clock.now().getTime();
        const group = this.queue.splice(0);
        try {
          await this.commitGroup(group);
          for (const queued of group) queued.resolve();
        } catch (error) {
          for (const queued of group) queued.reject(error);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  /** Milliseconds until the commit interval allows the next group commit (≤ 0: now). */
  private untilNextCommit(): number {
    return this.lastCommitAt + (this.options.minCommitIntervalMs ?? 0) - this.clock.now().getTime();
  }

  private async commitGroup(group: readonly QueuedSlice[]): Promise<void> {
    const endFlush = this.metrics.flushDuration.startTimer({ source: SOURCE });
    const positions = await this.bronze.positionsOf(group.map((q) => q.appId));
    const fresh = group.flatMap((q): FreshSlice[] => {
      const stored = positions.get(q.appId);
      const records = stored === undefined ? q.records : q.records.filter((r) => r.offset > stored);
      this.metrics.skippedRedeliveries.inc({ source: SOURCE }, q.records.length - records.length);
      if (stored !== undefined) this.checkNotBehind(q, stored);
      return records.length === 0 ? [] : [{ records, slice: sliceOf(q.appId, records) }];
    });
    if (fresh.length === 0) return;
    const endCommit = this.metrics.commitDuration.startTimer({ table: BRONZE_TICKS.name });
    let commit: BronzeCommit;
    try {
      commit = await this.bronze.commit(fresh.map((f) => f.slice));
    } catch (error) {
      if (isCommitConflict(error)) this.metrics.commitConflicts.inc({ table: BRONZE_TICKS.name });
      throw error;
    }
    endCommit();
    this.metrics.recordsOut.inc({ source: SOURCE }, commit.rows);
    this.metrics.flushSize.observe(
      { source: SOURCE },
      fresh.reduce((n, f) => n + f.records.length, 0),
    );
    this.metrics.tableVersion.set({ table: BRONZE_TICKS.name }, Number(commit.version));

    // After the commit, so a dead letter always describes a record whose fate is settled. At-least-once: a crash
    // right here re-sends them on replay; consumers of ticks.dlq dedupe by the source position headers.
    const letters = fresh.flatMap(({ records }) =>
      records.flatMap((r) =>
        r.outcome.kind === 'reject'
          ? [
              deadLetterOf(r.record, {
                code: r.outcome.reject.reasonCode,
                message: r.outcome.reject.reasonMessage,
              }),
            ]
          : [],
      ),
    );
    if (letters.length > 0) {
      await this.deadLetters.send(letters);
      for (const l of letters) this.metrics.deadLettered.inc({ source: SOURCE, reason: l.reason.code });
    }
    await this.notify(group, commit, fresh);
    endFlush();
  }

  /**
   * A partition whose end (high watermark) is at or below the position Bronze stores for it cannot be a replay: the
   * topic was recreated or truncated, and its records, numbered from 0 again, are taken for ones Bronze holds. They
   * stay skipped (the positions are the exactly-once guarantee), but loudly: an error log once per partition and a
   * counter, so an operator can move the stream to a new topic or reset the positions deliberately.
   */
  private checkNotBehind(q: QueuedSlice, stored: bigint): void {
    if (BigInt(q.batch.highWatermark) > stored) return;
    this.metrics.behindPosition.inc({ source: SOURCE }, q.records.length);
    if (this.reportedBehind.has(q.appId)) return;
    this.reportedBehind.add(q.appId);
    this.log.error({
      msg: 'partition ends below the position bronze.ticks stores for it: recreated or truncated topic',
      appId: q.appId,
      storedPosition: String(stored),
      highWatermark: q.batch.highWatermark,
    });
  }

  /**
   * `lake.commits`: the new Bronze version, with the rows it added attached (Arrow IPC, when they fit) so the refiner
   * need not read them back from the change feed. They are the rows of the commit, in its order.
   */
  private async notify(
    group: readonly QueuedSlice[],
    commit: BronzeCommit,
    fresh: readonly FreshSlice[],
  ): Promise<void> {
    const rows = toArrowIpc(
      BRONZE_TICKS,
      fresh.flatMap((f) => f.slice.rows),
    );
    const notification: LakeCommitNotification = {
      schemaVersion: LAKE_COMMIT_SCHEMA_VERSION,
      table: BRONZE_TICKS.name,
      version: String(commit.version),
      batchId: group.map((q) => q.batch.batchId).join(','),
      recordCount: commit.rows,
      committedAt: this.clock.now().toISOString(),
    };
    const attach = rows.byteLength <= LAKE_COMMIT_ROWS_MAX_BYTES;
    await this.producer.send(INGESTOR_TOPICS.output, [
      {
        key: BRONZE_TICKS.name,
        value: encodeJson(notification),
        ...(attach
          ? {
              headers: {
                [LAKE_COMMIT_ROWS_HEADER]: Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength),
              },
            }
          : {}),
      },
    ]);
  }
}

/** The Bronze slice of one stream's fresh records: rows, rejects with their positions, the last position. */
function sliceOf(appId: string, records: readonly LiveRecord[]): BronzeSlice {
  return {
    appId,
    lastPosition: records[records.length - 1]!.offset,
    rows: records.flatMap((r) => (r.outcome.kind === 'row' ? [r.outcome.row] : [])),
    rejects: records.flatMap((r) =>
      r.outcome.kind === 'reject' ? [{ position: r.offset, row: r.outcome.reject }] : [],
    ),
  };
}
