import { ScoredPrediction, evaluatePredictions } from '@lakehouse/domain';

/** The objective a decision threshold is chosen for, on the validation split. */
export const THRESHOLD_OBJECTIVE = 'f1';

/** At most this many candidate thresholds (quantiles of the scores) are tried. */
const MAX_CANDIDATES = 200;
const DEFAULT_THRESHOLD = 0.5;

/**
 * The threshold on P(jump) that maximises F1 on the given (validation) scores; ties go to the higher threshold
 * (fewer alarms). Candidates are quantiles of the scores, so the choice adapts to however the model is calibrated.
 * Falls back to 0.5 when the split has no positives.
 */
export function chooseThreshold(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = probabilities.length;
  if (n === 0) return DEFAULT_THRESHOLD;
  const sorted = Float64Array.from(probabilities).sort();
  const candidates = new Set<number>();
  const step = Math.max(1, Math.floor(n / MAX_CANDIDATES));
  for (let i = 0; i < n; i += step) candidates.add(sorted[i]!);
  let best = DEFAULT_THRESHOLD;
  let bestScore = -1;
  for (const threshold of [...candidates].sort((a, b) => a - b)) {
    const predictions: ScoredPrediction[] = [];
    for (let i = 0; i < n; i += 1) {
      predictions.push({
        probability: probabilities[i]!,
        predicted: probabilities[i]! >= threshold ? 1 : 0,
        actual: labels[i] === 1 ? 1 : 0,
      });
    }
    const f1 = evaluatePredictions(predictions).f1;
    if (f1 !== null && f1 >= bestScore) {
      bestScore = f1;
      best = threshold;
    }
  }
  return bestScore <= 0 ? DEFAULT_THRESHOLD : best;
}
