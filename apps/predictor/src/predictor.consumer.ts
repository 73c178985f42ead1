import {
  DeadLetterPort,
  type DeadLetter,
  decodeRefinedTicks,
  deadLetterOf,
  type RecordBatch,
} from '@lakehouse/bus';
import { errorMessage, JsonLogger } from '@lakehouse/platform';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PREDICTOR_TOPICS } from './config/predictor.config';
import { MONOTONIC_MS, type MonotonicMs, type PredictorInput, PredictorService } from './predictor.service';

/**
 * The Kafka edge of the predictor: decodes each `ticks.refined` record into its events (a record carries a run of
 * one symbol's events); an undecodable record is dead-lettered with its original bytes and still answered with a
 * reject record, so nothing disappears silently.
 */
@Controller()
export class PredictorConsumer {
  constructor(
    private readonly service: PredictorService,
    private readonly deadLetters: DeadLetterPort,
    private readonly log: JsonLogger,
    @Inject(MONOTONIC_MS) private readonly monotonicMs: MonotonicMs,
  ) {}

  @EventPattern(PREDICTOR_TOPICS.input)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    const receivedAtMs = this.monotonicMs();
    const inputs: PredictorInput[] = [];
    const letters: DeadLetter[] = [];
    for (const record of batch.records) {
      try {
        for (const tick of decodeRefinedTicks(record.value)) inputs.push({ kind: 'tick', tick });
      } catch (error) {
        const reason = errorMessage(error);
        inputs.push({ kind: 'undecodable', symbol: record.key?.toString('utf8') ?? null, reason });
        letters.push(deadLetterOf(record, { code: 'BUS_DECODE_FAILED', message: reason }));
      }
    }
    const summary = await this.service.predict(inputs, receivedAtMs);
    // After the predictions: a batch retried because no model was loaded yet must not dead-letter twice.
    if (letters.length > 0) await this.deadLetters.send(letters);
    this.log.debug(
      { msg: 'batch scored', records: batch.records.length, ...summary },
      PredictorConsumer.name,
    );
  }
}
