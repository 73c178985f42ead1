import { accuracyByScope, type ResolvedPrediction, type ScopedAccuracy } from '@lakehouse/domain';
import {
  ALL_SYMBOLS_SCOPE,
  GOLD_ACCURACY,
  GOLD_ACCURACY_MERGE,
  type GoldAccuracyRow,
  Lake,
} from '@lakehouse/lake';
import { type Table as ArrowTable } from 'apache-arrow';
import { GoldReader, LATEST, recordsOf } from './gold-reader';

const MICROS_PER_MILLI = 1000n;
/** The txn of `gold.accuracy`: the `gold.predictions` version its rows were computed at. */
export const ACCURACY_APP_ID = 'publisher:accuracy';

/**
 * Recomputes `gold.accuracy` from resolved `gold.predictions` rows only (a prediction and a realized label both
 * present): for each model version and symbol, the latest `windowSize` resolved events by event time; the overall
 * row of a model version pools its symbols' windows. The recompute is a pure function of one Gold version, so
 * running it twice writes the same values (no position needed).
 */
export class GoldAccuracyJob {
  constructor(
    private readonly lake: Lake,
    private readonly reader: GoldReader,
    private readonly windowSize: number,
  ) {
    if (!(Number.isInteger(windowSize) && windowSize >= 1)) throw new RangeError('windowSize must be ≥ 1');
  }

  async ensureTable(): Promise<void> {
    await this.lake.ensureTable(GOLD_ACCURACY);
  }

  /**
   * Computes and upserts; returns the rows written (none while no event is resolved, or when `gold.accuracy` already
   * holds the metrics of this `gold.predictions` version). The commit records the predictions version it covers as a
   * txn, read-version checked: two replicas recomputing at once cannot both land (the later one conflicts).
   */
  async recompute(now: Date): Promise<GoldAccuracyRow[]> {
    const n = this.windowSize;
    const covered = await this.lake.transactionVersions(GOLD_ACCURACY, [ACCURACY_APP_ID]);
    const { rows, version } = await this.reader.query(
      'gold.predictions',
      LATEST,
      (t) =>
        `SELECT model_version, symbol, predicted_label, actual_label, probability, ` +
        `CAST(event_time AS BIGINT) AS event_us FROM (` +
        `SELECT model_version, symbol, predicted_label, actual_label, probability, event_time, ` +
        `ROW_NUMBER() OVER (PARTITION BY model_version, symbol ORDER BY event_time DESC, event_id DESC) AS rn ` +
        `FROM ${t} WHERE actual_label IS NOT NULL AND predicted_label IS NOT NULL AND model_version IS NOT NULL` +
        `) w WHERE rn <= ${n}`,
    );
    const stored = covered.versions.get(ACCURACY_APP_ID);
    if (stored !== undefined && stored >= BigInt(version)) return [];
    const scoped = accuracyByScope(resolvedOf(rows));
    if (scoped.length === 0) return [];
    const asOfUs = BigInt(now.getTime()) * MICROS_PER_MILLI;
    const out = scoped.map((s) => accuracyRow(s, n, BigInt(version), asOfUs));
    await this.lake.merge(
      GOLD_ACCURACY,
      out,
      GOLD_ACCURACY_MERGE,
      [{ appId: ACCURACY_APP_ID, version: BigInt(version) }],
      covered.readVersion === undefined ? {} : { readVersion: covered.readVersion },
    );
    return out;
  }
}

function resolvedOf(table: ArrowTable): ResolvedPrediction[] {
  const out: ResolvedPrediction[] = [];
  for (const record of recordsOf(table)) {
    const r = record as unknown as {
      model_version: string;
      symbol: string;
      predicted_label: number;
      actual_label: number;
      probability: number | null;
      event_us: bigint;
    };
    out.push({
      modelVersion: r.model_version,
      symbol: r.symbol,
      predicted: r.predicted_label === 1 ? 1 : 0,
      actual: r.actual_label === 1 ? 1 : 0,
      probability: r.probability ?? r.predicted_label,
      eventTimeUs: BigInt(r.event_us),
    });
  }
  return out;
}

export function accuracyRow(
  s: ScopedAccuracy,
  windowSize: number,
  predictionsVersion: bigint,
  asOfUs: bigint,
): GoldAccuracyRow {
  return {
    modelVersion: s.modelVersion,
    scope: s.symbol ?? ALL_SYMBOLS_SCOPE,
    symbol: s.symbol,
    n: s.n,
    positives: s.positives,
    positiveRate: s.positiveRate,
    accuracy: s.accuracy,
    balancedAccuracy: s.balancedAccuracy,
    mcc: s.mcc,
    majorityClass: s.majorityClass,
    baselineAccuracy: s.baselineAccuracy,
    baselineMcc: s.baselineMcc,
    windowSize,
    windowFromUs: s.fromUs,
    windowToUs: s.toUs,
    predictionsVersion,
    asOfUs,
  };
}
