import { DeltaTable, TableNotFoundError, type StorageOptions } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, featureNames } from '@lakehouse/domain';
import {
  BRONZE_QUARANTINE,
  BRONZE_TICKS,
  GOLD_PREDICTIONS,
  SILVER_QUARANTINE,
  silverTicksTable,
  tableUri,
} from '@lakehouse/lake';
import { type CheckName } from './check-result';

/** A table the suite reads: its logical name and its path under the lake root. */
export interface TableRef {
  readonly name: string;
  readonly path: string;
}

/** `gold.predictions`, as the publisher defines it. */
export const GOLD_PREDICTIONS_REF: TableRef = { name: GOLD_PREDICTIONS.name, path: GOLD_PREDICTIONS.path };

export interface VerificationOptions {
  /** Directory or object-store URL of the lake. */
  readonly lakeRoot: string;
  readonly storageOptions?: StorageOptions;
  /** Which checks to run (all by default). */
  readonly checks?: readonly CheckName[];
  /** The feature config Silver was written with: its feature columns and sequence length L. */
  readonly featureConfig?: FeatureConfig;
  /** `gold.predictions` (name and path); defaults to {@link GOLD_PREDICTIONS_REF}. */
  readonly goldPredictions?: TableRef;
  /**
   * The last Bronze version Silver has refined: accounting reads Bronze as of this version. Default: the highest
   * `bronze_version` recorded in `silver.ticks` or `silver.quarantine` (a safe lower bound).
   */
  readonly bronzeVersion?: number;
  /**
   * Gold completeness only expects a prediction for Silver events refined at least this long before `now` (µs),
   * so events still in flight through the predictor are not counted as missing. Default 60 s.
   */
  readonly completenessGraceUs?: bigint;
  /** The instant the suite runs at, in UTC µs (passed in, so tests control it). Default: the wall clock. */
  readonly nowUs?: bigint;
  /** How many offending keys a result lists. Default 5. */
  readonly sampleLimit?: number;
}

export const DEFAULT_COMPLETENESS_GRACE_US = 60_000_000n;
export const DEFAULT_SAMPLE_LIMIT = 5;

/** The table refs and feature layout the checks use, resolved once from the options. */
export interface VerificationLayout {
  readonly bronzeTicks: TableRef;
  readonly bronzeQuarantine: TableRef;
  readonly silverTicks: TableRef;
  readonly silverQuarantine: TableRef;
  readonly goldPredictions: TableRef;
  /** `f_<name>` columns of `silver.ticks`. */
  readonly featureColumns: readonly string[];
  readonly sequenceLength: number;
}

export function layoutOf(options: VerificationOptions): VerificationLayout {
  const config = options.featureConfig ?? DEFAULT_FEATURE_CONFIG;
  const names = featureNames(config);
  const silver = silverTicksTable(names);
  return {
    bronzeTicks: BRONZE_TICKS,
    bronzeQuarantine: BRONZE_QUARANTINE,
    silverTicks: silver,
    silverQuarantine: SILVER_QUARANTINE,
    goldPredictions: options.goldPredictions ?? GOLD_PREDICTIONS_REF,
    featureColumns: names.map((n) => `f_${n}`),
    sequenceLength: config.sequenceLength,
  };
}

/** Opens a table, or returns `undefined` when there is none at that path yet. */
export async function openIfExists(
  options: Pick<VerificationOptions, 'lakeRoot' | 'storageOptions'>,
  table: TableRef,
): Promise<DeltaTable | undefined> {
  try {
    return await DeltaTable.open(tableUri(options.lakeRoot, table), {
      storageOptions: options.storageOptions ?? {},
    });
  } catch (error) {
    if (error instanceof TableNotFoundError) return undefined;
    throw error;
  }
}
