import { type Prediction, type TickOutcome } from '@lakehouse/bus';
import { type GoldPredictionRow } from '@lakehouse/lake';

const MICROS_PER_MILLI = 1000n;

/** A scored event as its `gold.predictions` row: the prediction side set, the outcome side left to the outcome. */
export function predictionRow(p: Prediction): GoldPredictionRow {
  return {
    eventId: p.eventId,
    symbol: p.symbol,
    eventTimeUs: BigInt(p.eventTimeUs),
    prediction: {
      price: p.price,
      probability: p.probability,
      predictedLabel: p.predictedLabel,
      threshold: p.threshold,
      modelVersion: p.modelVersion,
      backend: p.backend,
      modelLabelVersion: p.labelVersion,
      silverVersion: BigInt(p.silverVersion),
      predictedTimeUs: BigInt(Date.parse(p.producedAt)) * MICROS_PER_MILLI,
    },
    outcome: null,
  };
}

/** A realized outcome as its `gold.predictions` row, resolved at `resolvedTimeUs` (the writer's clock). */
export function outcomeRow(o: TickOutcome, resolvedTimeUs: bigint): GoldPredictionRow {
  return {
    eventId: o.eventId,
    symbol: o.symbol,
    eventTimeUs: BigInt(o.eventTimeUs),
    prediction: null,
    outcome: {
      realizedReturn: o.realizedReturn,
      actualLabel: o.label,
      labelThreshold: o.threshold,
      labelVersion: o.labelVersion,
      horizonEventId: o.horizonEventId,
      outcomeSilverVersion: BigInt(o.silverVersion),
      resolvedTimeUs,
    },
  };
}
