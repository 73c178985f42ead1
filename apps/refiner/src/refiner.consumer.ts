import {
  BusError,
  DeadLetter,
  DeadLetterPort,
  deadLetterOf,
  decodeJson,
  LAKE_COMMIT_ROWS_HEADER,
  lakeCommitNotificationSchema,
  RecordBatch,
} from '@lakehouse/bus';
import { BRONZE_TICKS } from '@lakehouse/lake';
import { errorMessage } from '@lakehouse/platform';
import { Controller, Logger } from '@nestjs/common';
import { tableFromIPC } from 'apache-arrow';
import { EventPattern, Payload } from '@nestjs/microservices';
import { REFINER_TOPICS } from './config/refiner.config';
import { RefinerService } from './refiner.service';

/**
 * The Kafka edge of the refiner: `lake.commits` notifications, validated; malformed ones become dead letters. A
 * notification wakes the refiner: what it refines comes from Bronze's log, from Silver's stored position. The rows a
 * Bronze notification carries are handed over as that version's rows (a fast path for its change feed); an
 * attachment that does not decode, or holds another row count than the commit, is logged and left out.
 */
@Controller()
export class RefinerConsumer {
  private readonly log = new Logger('RefinerConsumer');

  constructor(
    private readonly service: RefinerService,
    private readonly deadLetters: DeadLetterPort,
  ) {}

  @EventPattern(REFINER_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    /** A Bronze commit whose rows did not come with it: the refiner reads Bronze's log. */
    let bronzeCommitted = false;
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      try {
        const notification = decodeJson(lakeCommitNotificationSchema, record.value);
        if (notification.table !== BRONZE_TICKS.name) continue;
        const rows = record.headers[LAKE_COMMIT_ROWS_HEADER];
        const handedOver =
          rows !== undefined &&
          notification.version !== null &&
          this.handOver(BigInt(notification.version), notification.recordCount, rows);
        if (!handedOver) bronzeCommitted = true;
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        rejected.push(deadLetterOf(record, { code: error.code, message: error.message }));
      }
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    if (bronzeCommitted) this.service.wake();
  }

  /** Hands the attached rows over; false (logged) when they are not usable. */
  private handOver(version: bigint, recordCount: number, ipc: Buffer): boolean {
    try {
      const rows = tableFromIPC(ipc);
      if (rows.numRows !== recordCount) {
        throw new Error(`${rows.numRows} rows attached to a commit of ${recordCount}`);
      }
      this.service.offer(version, rows);
      return true;
    } catch (error) {
      this.log.warn({
        msg: 'rows attached to a Bronze commit notification left out; the change feed has them',
        version: String(version),
        error: errorMessage(error),
      });
      return false;
    }
  }
}
