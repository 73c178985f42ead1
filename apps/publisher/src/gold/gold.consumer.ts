import { type RecordBatch } from '@lakehouse/bus';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PUBLISHER_TOPICS } from '../config/publisher.config';
import { GoldWriterService } from './gold-writer.service';

/** The Kafka edge of the Gold writer group: each topic's batches go to their Gold table. */
@Controller()
export class GoldConsumer {
  constructor(private readonly writer: GoldWriterService) {}

  @EventPattern(PUBLISHER_TOPICS.predictions)
  async predictions(@Payload() batch: RecordBatch): Promise<void> {
    await this.writer.writePredictions(batch);
  }

  @EventPattern(PUBLISHER_TOPICS.outcomes)
  async outcomes(@Payload() batch: RecordBatch): Promise<void> {
    await this.writer.writeOutcomes(batch);
  }

  @EventPattern(PUBLISHER_TOPICS.refined)
  async refined(@Payload() batch: RecordBatch): Promise<void> {
    await this.writer.writeBars(batch);
  }
}
