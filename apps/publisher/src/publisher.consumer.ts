import {
  BusError,
  DeadLetter,
  DeadLetterPort,
  deadLetterOf,
  decodeJson,
  RecordBatch,
  Signal,
  signalSchema,
} from '@lakehouse/bus';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PUBLISHER_TOPICS } from './config/publisher.config';
import { PublisherService } from './publisher.service';

/** The Kafka edge of the publisher: signals, validated; malformed ones become dead letters. */
@Controller()
export class PublisherConsumer {
  constructor(
    private readonly service: PublisherService,
    private readonly deadLetters: DeadLetterPort,
  ) {}

  @EventPattern(PUBLISHER_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const signals: Signal[] = [];
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      try {
        signals.push(decodeJson(signalSchema, record.value));
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        rejected.push(deadLetterOf(record, { code: error.code, message: error.message }));
      }
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    this.service.record(signals);
  }
}
