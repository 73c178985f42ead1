import { DeadLetter, DeadLetterPort, deadLetterOf, RecordBatch } from '@lakehouse/bus';
import { parseRawTick, TickParserOptions } from '@lakehouse/domain';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INGESTOR_TOPICS } from './config/ingestor.config';
import { AcceptedTick, IngestorService } from './ingestor.service';

export const TICK_PARSER_OPTIONS = Symbol('TICK_PARSER_OPTIONS');

/** The Kafka edge of the ingestor: raw bytes become ticks or dead letters; the service gets only ticks. */
@Controller()
export class IngestorConsumer {
  constructor(
    private readonly service: IngestorService,
    private readonly deadLetters: DeadLetterPort,
    @Inject(TICK_PARSER_OPTIONS) private readonly parserOptions: TickParserOptions,
  ) {}

  @EventPattern(INGESTOR_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const accepted: AcceptedTick[] = [];
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      const parsed = parseRawTick(record.value ?? new Uint8Array(), this.parserOptions);
      if (parsed.ok) accepted.push({ tick: parsed.tick, raw: parsed.raw });
      else rejected.push(deadLetterOf(record, parsed.reason));
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    await this.service.ingest(batch, accepted);
  }
}
