import { type RecordBatch } from '@lakehouse/bus';
import { type TickParserOptions } from '@lakehouse/domain';
import { Clock } from '@lakehouse/platform';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { toBronzeOutcome } from './bronze/bronze-rows';
import { INGESTOR_TOPICS } from './config/ingestor.config';
import { IngestorService, type LiveRecord } from './ingestor.service';

export const TICK_PARSER_OPTIONS = Symbol('TICK_PARSER_OPTIONS');

const MICROS_PER_MILLI = 1000n;

/** The Kafka edge of the ingestor: every record's bytes become a Bronze row or a reject with its reason. */
@Controller()
export class IngestorConsumer {
  constructor(
    private readonly service: IngestorService,
    private readonly clock: Clock,
    @Inject(TICK_PARSER_OPTIONS) private readonly parserOptions: TickParserOptions,
  ) {}

  @EventPattern(INGESTOR_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const ingestTimeUs = BigInt(this.clock.now().getTime()) * MICROS_PER_MILLI;
    const records = batch.records.map((record): LiveRecord => {
      const offset = BigInt(record.offset);
      const source = { kind: 'live', topic: record.topic, partition: record.partition, offset } as const;
      return {
        record,
        offset,
        outcome: toBronzeOutcome(record.value, source, ingestTimeUs, this.parserOptions),
      };
    });
    await this.service.ingest(batch, records);
  }
}
