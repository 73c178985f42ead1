import { SeededRandom, randomIndex } from '../random/mulberry32.util';
import {
  ClassificationMetrics,
  ScalarMetric,
  ScoredPrediction,
  evaluatePredictions,
} from './classification-metrics.util';

export interface BootstrapOptions {
  /** Seeded source of randomness (e.g. `createMulberry32(seed)`); record the seed with the result. */
  readonly random: SeededRandom;
  /** Resamples drawn; default 1000. */
  readonly resamples?: number;
  /** Two-sided confidence level; default 0.95. */
  readonly confidence?: number;
  /** Metrics to interval; default all scalar metrics. */
  readonly metrics?: readonly ScalarMetric[];
}

export interface ConfidenceInterval {
  /** The metric on the full sample. */
  readonly estimate: number | null;
  readonly lower: number;
  readonly upper: number;
  /** Resamples where the metric was defined (a resample can miss a class and leave e.g. ROC-AUC undefined). */
  readonly resamplesUsed: number;
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;
export const SCALAR_METRICS: readonly ScalarMetric[] = [
  'positiveRate',
  'accuracy',
  'balancedAccuracy',
  'precision',
  'recall',
  'specificity',
  'f1',
  'mcc',
  'rocAuc',
  'majorityBaselineAccuracy',
];

/** Linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

/**
 * Percentile-bootstrap confidence intervals: resample the predictions with replacement, recompute each metric,
 * take the (1−c)/2 and (1+c)/2 quantiles. A metric gets null when the sample is empty or no resample defined it.
 * Deterministic for a given `random` seed.
 */
export function bootstrapMetrics(
  predictions: readonly ScoredPrediction[],
  options: BootstrapOptions,
): Partial<Record<ScalarMetric, ConfidenceInterval | null>> {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const metrics = options.metrics ?? SCALAR_METRICS;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  if (!(Number.isInteger(resamples) && resamples >= 1))
    throw new RangeError('resamples must be an integer ≥ 1');

  const full = evaluatePredictions(predictions);
  const samples = new Map<ScalarMetric, number[]>(metrics.map((m) => [m, []]));
  const n = predictions.length;
  if (n > 0) {
    for (let r = 0; r < resamples; r += 1) {
      const resample = Array.from(
        { length: n },
        () => predictions[randomIndex(options.random, n)] as ScoredPrediction,
      );
      const report: ClassificationMetrics = evaluatePredictions(resample);
      for (const metric of metrics) {
        const value = report[metric];
        if (value !== null) samples.get(metric)?.push(value);
      }
    }
  }
  const tail = (1 - confidence) / 2;
  const result: Partial<Record<ScalarMetric, ConfidenceInterval | null>> = {};
  for (const metric of metrics) {
    const values = (samples.get(metric) ?? []).sort((a, b) => a - b);
    result[metric] =
      values.length === 0
        ? null
        : {
            estimate: full[metric],
            lower: quantile(values, tail),
            upper: quantile(values, 1 - tail),
            resamplesUsed: values.length,
          };
  }
  return result;
}
