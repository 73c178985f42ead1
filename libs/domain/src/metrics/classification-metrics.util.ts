/** One scored event: the model's probability and decision, and the realized label. */
export interface ScoredPrediction {
  readonly probability: number;
  readonly predicted: 0 | 1;
  readonly actual: 0 | 1;
}

export interface ConfusionMatrix {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * Accuracy report. A metric whose formula divides by zero on this data (no predictions, one class only, no
 * predicted positives…) is null, never NaN, so that "undefined" cannot be mistaken for a number downstream.
 */
export interface ClassificationMetrics {
  readonly n: number;
  readonly positives: number;
  /** Share of actual positives. */
  readonly positiveRate: number | null;
  readonly confusion: ConfusionMatrix;
  readonly accuracy: number | null;
  /** Mean of recall and specificity; needs both classes present. */
  readonly balancedAccuracy: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly specificity: number | null;
  /** 2TP / (2TP + FP + FN): 0 when there are positives but none found, null only when it is 0/0. */
  readonly f1: number | null;
  /** Matthews correlation coefficient; null when any margin of the confusion matrix is empty. */
  readonly mcc: number | null;
  /** Area under the ROC curve from the probabilities, ties counted half (Mann–Whitney U); needs both classes. */
  readonly rocAuc: number | null;
  /** The class a constant predictor would pick: the more frequent actual label (0 on a tie); null when n = 0. */
  readonly majorityClass: 0 | 1 | null;
  /** Accuracy of always predicting {@link majorityClass}: the bar a model must clear. */
  readonly majorityBaselineAccuracy: number | null;
}

/** The metric names that bootstrap intervals can be asked for. */
export type ScalarMetric =
  | 'positiveRate'
  | 'accuracy'
  | 'balancedAccuracy'
  | 'precision'
  | 'recall'
  | 'specificity'
  | 'f1'
  | 'mcc'
  | 'rocAuc'
  | 'majorityBaselineAccuracy';

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

export function confusionMatrix(predictions: readonly ScoredPrediction[]): ConfusionMatrix {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const p of predictions) {
    if (p.predicted === 1) {
      if (p.actual === 1) tp += 1;
      else fp += 1;
    } else if (p.actual === 1) fn += 1;
    else tn += 1;
  }
  return { tp, fp, tn, fn };
}

/** ROC-AUC as P(score of a random positive > score of a random negative) + ½·P(equal), via average ranks. */
export function rocAuc(predictions: readonly ScoredPrediction[]): number | null {
  const positives = predictions.filter((p) => p.actual === 1).length;
  const negatives = predictions.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...predictions].sort((a, b) => a.probability - b.probability);
  let positiveRankSum = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (
      j + 1 < sorted.length &&
      (sorted[j + 1] as ScoredPrediction).probability === (sorted[i] as ScoredPrediction).probability
    ) {
      j += 1;
    }
    // Ranks are 1-based; a run of ties from i to j shares their average rank.
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1)
      if ((sorted[k] as ScoredPrediction).actual === 1) positiveRankSum += averageRank;
    i = j + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Accuracy of predictions against realized labels. Pure and total: any input, including none, gives a report.
 *
 * @throws RangeError for a NaN probability (it has no rank)
 */
export function evaluatePredictions(predictions: readonly ScoredPrediction[]): ClassificationMetrics {
  if (predictions.some((p) => Number.isNaN(p.probability)))
    throw new RangeError('probability must not be NaN');
  const n = predictions.length;
  const confusion = confusionMatrix(predictions);
  const { tp, fp, tn, fn } = confusion;
  const positives = tp + fn;
  const negatives = tn + fp;
  const recall = ratio(tp, positives);
  const specificity = ratio(tn, negatives);
  const mccDenominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  const majorityClass = n === 0 ? null : positives > negatives ? 1 : 0;
  return {
    n,
    positives,
    positiveRate: ratio(positives, n),
    confusion,
    accuracy: ratio(tp + tn, n),
    balancedAccuracy: recall === null || specificity === null ? null : (recall + specificity) / 2,
    precision: ratio(tp, tp + fp),
    recall,
    specificity,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    mcc: mccDenominator === 0 ? null : (tp * tn - fp * fn) / mccDenominator,
    rocAuc: rocAuc(predictions),
    majorityClass,
    majorityBaselineAccuracy: ratio(Math.max(positives, negatives), n),
  };
}
