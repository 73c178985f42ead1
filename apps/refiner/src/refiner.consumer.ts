import {
  BusError,
  DeadLetter,
  DeadLetterPort,
  deadLetterOf,
  decodeJson,
  LakeCommitNotification,
  lakeCommitNotificationSchema,
  RecordBatch,
} from '@lakehouse/bus';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { REFINER_TOPICS } from './config/refiner.config';
import { RefinerService } from './refiner.service';

/** The Kafka edge of the refiner: `lake.commits` notifications, validated; malformed ones become dead letters. */
@Controller()
export class RefinerConsumer {
  constructor(
    private readonly service: RefinerService,
    private readonly deadLetters: DeadLetterPort,
  ) {}

  @EventPattern(REFINER_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const notifications: LakeCommitNotification[] = [];
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      try {
        notifications.push(decodeJson(lakeCommitNotificationSchema, record.value));
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        rejected.push(deadLetterOf(record, { code: error.code, message: error.message }));
      }
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    await this.service.refine(notifications);
  }
}
