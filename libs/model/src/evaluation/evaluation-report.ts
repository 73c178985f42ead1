/** A metric on the test split with its bootstrap 95% interval; null where undefined (e.g. AUC with one class). */
export interface MetricEstimate {
  readonly value: number | null;
  readonly ci95: readonly [number, number] | null;
}

export const METRIC_NAMES = [
  'accuracy',
  'balancedAccuracy',
  'precision',
  'recall',
  'f1',
  'mcc',
  'rocAuc',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export type ClassifierScores = Readonly<Record<MetricName, MetricEstimate>>;

export interface ScoredClassifier {
  readonly name: string;
  readonly description: string;
  readonly scores: ClassifierScores;
}

/**
 * The honest evaluation of one model version: the held-out test split only, with baselines scored on the very
 * same rows. Nothing in it is tuned on the test split (thresholds come from validation).
 */
export interface EvaluationReport {
  readonly modelVersion: string;
  readonly labelVersion: string;
  readonly split: 'test';
  readonly n: number;
  readonly positives: number;
  readonly positiveRate: number;
  readonly threshold: number;
  readonly bootstrap: { readonly resamples: number; readonly seed: number; readonly confidence: number };
  readonly model: ScoredClassifier;
  readonly baselines: readonly ScoredClassifier[];
}
