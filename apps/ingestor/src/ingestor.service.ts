import {
  type BusRecord,
  DeadLetterPort,
  deadLetterOf,
  encodeJson,
  LAKE_COMMIT_SCHEMA_VERSION,
  type LakeCommitNotification,
  MessageProducer,
  type RecordBatch,
} from '@lakehouse/bus';
import { BRONZE_TICKS, isCommitConflict } from '@lakehouse/lake';
import { Clock } from '@lakehouse/platform';
import { Inject, Injectable } from '@nestjs/common';
import { BronzeExactlyOnce, type BronzeSlice, liveAppId } from './bronze/bronze-exactly-once';
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
}

const SOURCE = 'live';

/**
 * The live path: one partition's batch → Bronze, exactly once (see `bronze-exactly-once.ts`), then dead letters
 * and a `lake.commits` notification. Kafka offsets are committed by the transport after this resolves.
 */
@Injectable()
export class IngestorService {
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
    const stored = await this.bronze.positionOf(appId);
    const fresh = stored === undefined ? records : records.filter((r) => r.offset > stored);
    this.metrics.recordsIn.inc({ source: SOURCE }, records.length);
    this.metrics.skippedRedeliveries.inc({ source: SOURCE }, records.length - fresh.length);
    for (let start = 0; start < fresh.length; start += this.options.maxRecordsPerCommit) {
      await this.commitSlice(batch, appId, fresh.slice(start, start + this.options.maxRecordsPerCommit));
    }
  }

  private async commitSlice(
    batch: RecordBatch,
    appId: string,
    records: readonly LiveRecord[],
  ): Promise<void> {
    const endFlush = this.metrics.flushDuration.startTimer({ source: SOURCE });
    const slice: BronzeSlice = {
      appId,
      lastPosition: records[records.length - 1]!.offset,
      rows: records.flatMap((r) => (r.outcome.kind === 'row' ? [r.outcome.row] : [])),
      rejects: records.flatMap((r) =>
        r.outcome.kind === 'reject' ? [{ position: r.offset, row: r.outcome.reject }] : [],
      ),
    };
    const endCommit = this.metrics.commitDuration.startTimer({ table: BRONZE_TICKS.name });
    let version: bigint;
    try {
      ({ version } = await this.bronze.commit([slice]));
    } catch (error) {
      if (isCommitConflict(error)) this.metrics.commitConflicts.inc({ table: BRONZE_TICKS.name });
      throw error;
    }
    endCommit();
    this.metrics.recordsOut.inc({ source: SOURCE }, slice.rows.length);
    this.metrics.flushSize.observe({ source: SOURCE }, records.length);
    this.metrics.tableVersion.set({ table: BRONZE_TICKS.name }, Number(version));

    // After the commit, so a dead letter always describes a record whose fate is settled. At-least-once: a crash
    // right here re-sends them on replay; consumers of ticks.dlq dedupe by the source position headers.
    const letters = records.flatMap((r) =>
      r.outcome.kind === 'reject'
        ? [
            deadLetterOf(r.record, {
              code: r.outcome.reject.reasonCode,
              message: r.outcome.reject.reasonMessage,
            }),
          ]
        : [],
    );
    if (letters.length > 0) {
      await this.deadLetters.send(letters);
      for (const l of letters) this.metrics.deadLettered.inc({ source: SOURCE, reason: l.reason.code });
    }
    await this.notify(batch, version, slice);
    endFlush();
  }

  private async notify(batch: RecordBatch, version: bigint, slice: BronzeSlice): Promise<void> {
    const notification: LakeCommitNotification = {
      schemaVersion: LAKE_COMMIT_SCHEMA_VERSION,
      table: BRONZE_TICKS.name,
      version: String(version),
      batchId: batch.batchId,
      recordCount: slice.rows.length,
      committedAt: this.clock.now().toISOString(),
    };
    await this.producer.send(INGESTOR_TOPICS.output, [
      { key: BRONZE_TICKS.name, value: encodeJson(notification) },
    ]);
  }
}
