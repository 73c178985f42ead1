import { ScoredPrediction, bootstrapMetrics, createMulberry32, evaluatePredictions } from '@lakehouse/domain';
import {
  ClassifierScores,
  EvaluationReport,
  METRIC_NAMES,
  MetricEstimate,
  ScoredClassifier,
} from './evaluation-report';

/** One classifier's output on the test rows: probabilities and the threshold it decides with. */
export interface ClassifierOutput {
  readonly name: string;
  readonly description: string;
  readonly probabilities: ArrayLike<number>;
  readonly threshold: number;
}

export interface EvaluationInput {
  readonly modelVersion: string;
  readonly labelVersion: string;
  readonly labels: ArrayLike<number>;
  readonly model: ClassifierOutput;
  readonly baselines: readonly ClassifierOutput[];
  readonly bootstrapResamples: number;
  readonly bootstrapSeed: number;
}

const CONFIDENCE = 0.95;

function toPredictions(output: ClassifierOutput, labels: ArrayLike<number>): ScoredPrediction[] {
  return Array.from({ length: labels.length }, (_, i) => {
    const probability = output.probabilities[i]!;
    return {
      probability,
      predicted: probability >= output.threshold ? 1 : 0,
      actual: labels[i] === 1 ? 1 : 0,
    };
  });
}

function score(output: ClassifierOutput, input: EvaluationInput): ScoredClassifier {
  const predictions = toPredictions(output, input.labels);
  const point = evaluatePredictions(predictions);
  // Every classifier resamples the same rows in the same order: same seed, same n.
  const intervals = bootstrapMetrics(predictions, {
    random: createMulberry32(input.bootstrapSeed),
    resamples: input.bootstrapResamples,
    confidence: CONFIDENCE,
    metrics: METRIC_NAMES,
  });
  const scores = Object.fromEntries(
    METRIC_NAMES.map((name): [string, MetricEstimate] => {
      const interval = intervals[name];
      return [name, { value: point[name], ci95: interval ? [interval.lower, interval.upper] : null }];
    }),
  ) as unknown as ClassifierScores;
  return { name: output.name, description: output.description, scores };
}

/**
 * Scores the model and its baselines on the same held-out rows with the domain's metrics and seeded percentile
 * bootstrap 95% intervals. Reports whatever the numbers are: nothing is compared to a target here.
 */
export function evaluateClassifiers(input: EvaluationInput): EvaluationReport {
  const n = input.labels.length;
  let positives = 0;
  for (let i = 0; i < n; i += 1) positives += input.labels[i] === 1 ? 1 : 0;
  return {
    modelVersion: input.modelVersion,
    labelVersion: input.labelVersion,
    split: 'test',
    n,
    positives,
    positiveRate: n === 0 ? 0 : positives / n,
    threshold: input.model.threshold,
    bootstrap: { resamples: input.bootstrapResamples, seed: input.bootstrapSeed, confidence: CONFIDENCE },
    model: score(input.model, input),
    baselines: input.baselines.map((baseline) => score(baseline, input)),
  };
}
