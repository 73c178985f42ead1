import {
  encodeJson,
  LAKE_COMMIT_SCHEMA_VERSION,
  LakeCommitNotification,
  MessageProducer,
  RecordBatch,
} from '@lakehouse/bus';
import { RawTick } from '@lakehouse/domain';
import { Clock } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { INGESTOR_TOPICS } from './config/ingestor.config';

export interface AcceptedTick {
  readonly tick: RawTick;
  /** The tick's JSON exactly as received. */
  readonly raw: string;
}

export const BRONZE_TICKS_TABLE = 'bronze.ticks';

/**
 * One consumed batch → one `lake.commits` notification.
 * Skeleton: nothing is written to the lake yet; the notification carries the ticks inline (see the contract).
 * Later: append the batch to Delta `bronze.ticks` (offsets in the commit), then notify with the new version.
 */
@Injectable()
export class IngestorService {
  constructor(
    private readonly producer: MessageProducer,
    private readonly clock: Clock,
  ) {}

  async ingest(source: RecordBatch, ticks: readonly AcceptedTick[]): Promise<void> {
    if (ticks.length === 0) return;
    const notification: LakeCommitNotification = {
      schemaVersion: LAKE_COMMIT_SCHEMA_VERSION,
      table: BRONZE_TICKS_TABLE,
      version: null,
      batchId: source.batchId,
      recordCount: ticks.length,
      committedAt: this.clock.now().toISOString(),
      skeletonInlineRecords: ticks.map((t) => ({ symbol: t.tick.symbol, payload: t.raw })),
    };
    await this.producer.send(INGESTOR_TOPICS.output, [
      { key: BRONZE_TICKS_TABLE, value: encodeJson(notification) },
    ]);
  }
}
