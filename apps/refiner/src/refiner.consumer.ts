import {
  BusError,
  DeadLetter,
  DeadLetterPort,
  deadLetterOf,
  decodeJson,
  lakeCommitNotificationSchema,
  RecordBatch,
} from '@lakehouse/bus';
import { BRONZE_TICKS } from '@lakehouse/lake';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { REFINER_TOPICS } from './config/refiner.config';
import { RefinerService } from './refiner.service';

/**
 * The Kafka edge of the refiner: `lake.commits` notifications, validated; malformed ones become dead letters. A
 * notification only wakes the refiner: what it refines comes from Bronze's log, from Silver's stored position.
 */
@Controller()
export class RefinerConsumer {
  constructor(
    private readonly service: RefinerService,
    private readonly deadLetters: DeadLetterPort,
  ) {}

  @EventPattern(REFINER_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    let bronzeCommitted = false;
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      try {
        const notification = decodeJson(lakeCommitNotificationSchema, record.value);
        if (notification.table === BRONZE_TICKS.name) bronzeCommitted = true;
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        rejected.push(deadLetterOf(record, { code: error.code, message: error.message }));
      }
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    if (bronzeCommitted) this.service.wake();
  }
}
