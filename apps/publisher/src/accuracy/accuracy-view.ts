import { type Table as ArrowTable } from 'apache-arrow';

/** A `gold.accuracy` row as the socket `accuracy` event and `GET /api/gold/accuracy` show it. */
export interface AccuracyView {
  readonly modelVersion: string;
  readonly symbol: string | null;
  readonly n: number;
  readonly positiveRate: number | null;
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly mcc: number | null;
  readonly baselineAccuracy: number | null;
  readonly baselineMcc: number | null;
  readonly majorityClass: number | null;
  readonly windowSize: number;
  readonly windowFrom: string | null;
  readonly windowTo: string | null;
  readonly predictionsVersion: string;
  readonly asOf: string;
}

export function accuracyViewsOf(table: ArrowTable): AccuracyView[] {
  return table.toArray().map((row) => {
    const r = (row as { toJSON(): Record<string, unknown> }).toJSON();
    return {
      modelVersion: String(r.model_version),
      symbol: typeof r.symbol === 'string' ? r.symbol : null,
      n: Number(r.n),
      positiveRate: num(r.positive_rate),
      accuracy: num(r.accuracy),
      balancedAccuracy: num(r.balanced_accuracy),
      mcc: num(r.mcc),
      baselineAccuracy: num(r.baseline_accuracy),
      baselineMcc: num(r.baseline_mcc),
      majorityClass: num(r.majority_class),
      windowSize: Number(r.window_size),
      windowFrom: iso(r.window_from),
      windowTo: iso(r.window_to),
      predictionsVersion: String(r.predictions_version),
      asOf: iso(r.as_of) ?? '',
    };
  });
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Arrow gives a microsecond timestamp column's value as epoch milliseconds (a number). */
export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return new Date(Number(v)).toISOString();
}
