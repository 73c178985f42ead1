import { encodeJson, MessageProducer, NO_MODEL, Signal, SIGNAL_SCHEMA_VERSION } from '@lakehouse/bus';
import { RawTick } from '@lakehouse/domain';
import { Clock } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { PREDICTOR_TOPICS } from './config/predictor.config';

/**
 * Refined ticks → signals: one batch in, one batched produce out, keyed by symbol.
 * Skeleton: no model yet; every tick becomes a pass-through signal with `modelVersion: "none"` and no prediction.
 */
@Injectable()
export class PredictorService {
  constructor(
    private readonly producer: MessageProducer,
    private readonly clock: Clock,
  ) {}

  async predict(ticks: readonly RawTick[]): Promise<void> {
    const producedAt = this.clock.now().toISOString();
    const signals = ticks.map((tick): Signal => ({
      schemaVersion: SIGNAL_SCHEMA_VERSION,
      symbol: tick.symbol,
      ...(tick.tradeId === undefined ? {} : { tradeId: tick.tradeId }),
      eventTimeUs: tick.eventTimeUs.toString(),
      price: tick.price,
      modelVersion: NO_MODEL,
      prediction: null,
      producedAt,
    }));
    await this.producer.send(
      PREDICTOR_TOPICS.output,
      signals.map((s) => ({ key: s.symbol, value: encodeJson(s) })),
    );
  }
}
