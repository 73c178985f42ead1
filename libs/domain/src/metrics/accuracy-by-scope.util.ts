import { evaluatePredictions, type ScoredPrediction } from './classification-metrics.util';

/** A resolved event: a prediction whose realized label is known. */
export interface ResolvedPrediction extends ScoredPrediction {
  readonly modelVersion: string;
  readonly symbol: string;
  readonly eventTimeUs: bigint;
}

/** Rolling metrics of one model version over one symbol, or over all symbols (`symbol` null). */
export interface ScopedAccuracy {
  readonly modelVersion: string;
  readonly symbol: string | null;
  readonly n: number;
  readonly positives: number;
  readonly positiveRate: number | null;
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly mcc: number | null;
  readonly majorityClass: 0 | 1 | null;
  /** Accuracy of always predicting the majority class on the same rows. */
  readonly baselineAccuracy: number | null;
  /** MCC of that constant predictor: 0 (it carries no information), null when there are no rows. */
  readonly baselineMcc: number | null;
  readonly fromUs: bigint | null;
  readonly toUs: bigint | null;
}

/**
 * Metrics per model version × symbol and per model version overall, from resolved rows only. Sorted by model
 * version, then the overall row first, then symbols.
 */
export function accuracyByScope(rows: readonly ResolvedPrediction[]): ScopedAccuracy[] {
  const groups = new Map<
    string,
    { modelVersion: string; symbol: string | null; rows: ResolvedPrediction[] }
  >();
  const add = (modelVersion: string, symbol: string | null, row: ResolvedPrediction): void => {
    const key = JSON.stringify([modelVersion, symbol]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { modelVersion, symbol, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  };
  for (const row of rows) {
    add(row.modelVersion, null, row);
    add(row.modelVersion, row.symbol, row);
  }
  const result = [...groups.values()].map((g) => scopedAccuracy(g.modelVersion, g.symbol, g.rows));
  return result.sort(
    (a, b) =>
      compare(a.modelVersion, b.modelVersion) ||
      (a.symbol === null ? -1 : b.symbol === null ? 1 : compare(a.symbol, b.symbol)),
  );
}

function scopedAccuracy(
  modelVersion: string,
  symbol: string | null,
  rows: readonly ResolvedPrediction[],
): ScopedAccuracy {
  const m = evaluatePredictions(rows);
  let fromUs: bigint | null = null;
  let toUs: bigint | null = null;
  for (const r of rows) {
    if (fromUs === null || r.eventTimeUs < fromUs) fromUs = r.eventTimeUs;
    if (toUs === null || r.eventTimeUs > toUs) toUs = r.eventTimeUs;
  }
  return {
    modelVersion,
    symbol,
    n: m.n,
    positives: m.positives,
    positiveRate: m.positiveRate,
    accuracy: m.accuracy,
    balancedAccuracy: m.balancedAccuracy,
    mcc: m.mcc,
    majorityClass: m.majorityClass,
    baselineAccuracy: m.majorityBaselineAccuracy,
    baselineMcc: m.n === 0 ? null : 0,
    fromUs,
    toUs,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
