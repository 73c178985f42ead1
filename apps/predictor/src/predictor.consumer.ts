import { DeadLetter, DeadLetterPort, deadLetterOf, RecordBatch } from '@lakehouse/bus';
import { parseRawTick, RawTick, TickParserOptions } from '@lakehouse/domain';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PREDICTOR_TOPICS } from './config/predictor.config';
import { PredictorService } from './predictor.service';

export const TICK_PARSER_OPTIONS = Symbol('TICK_PARSER_OPTIONS');

/** The Kafka edge of the predictor: refined ticks, parsed; unparseable ones become dead letters. */
@Controller()
export class PredictorConsumer {
  constructor(
    private readonly service: PredictorService,
    private readonly deadLetters: DeadLetterPort,
    @Inject(TICK_PARSER_OPTIONS) private readonly parserOptions: TickParserOptions,
  ) {}

  @EventPattern(PREDICTOR_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const ticks: RawTick[] = [];
    const rejected: DeadLetter[] = [];
    for (const record of batch.records) {
      const parsed = parseRawTick(record.value ?? new Uint8Array(), this.parserOptions);
      if (parsed.ok) ticks.push(parsed.tick);
      else rejected.push(deadLetterOf(record, parsed.reason));
    }
    if (rejected.length > 0) await this.deadLetters.send(rejected);
    await this.service.predict(ticks);
  }
}
