import { FeatureConfig, LabelDefinition, NormalizationStats } from '@lakehouse/domain';
import { GruNetworkSpec } from '../network/gru-network';

export const MANIFEST_FORMAT_VERSION = 1;

/** Where the training data came from: enough to rebuild exactly the same data set later (Delta time travel). */
export interface TrainingProvenance {
  /** The data source, e.g. `delta:silver.ticks`. */
  readonly dataSource: string;
  readonly symbols: readonly string[];
  /** Inclusive start and exclusive end of the event-time range read, ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
  /** The Silver table version the read was pinned to; null for a source without versions (a file). */
  readonly silverTableVersion: number | null;
  readonly samples: { readonly train: number; readonly validation: number; readonly test: number };
  /** Rows dropped because their label horizon crossed a split boundary. */
  readonly purgedAtSplitBoundaries: number;
  /** Event-time cut points of the chronological split, ISO-8601 UTC. */
  readonly splitTimes: { readonly validationFrom: string; readonly testFrom: string };
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  readonly bestEpoch: number;
  readonly earlyStopping: string;
  readonly classWeights: { readonly negative: number; readonly positive: number };
  readonly seed: number;
  /** The backend label training ran on. */
  readonly backend: string;
  readonly durationMs: number;
}

/** Feature config as JSON: the lateness bound is a bigint in the domain. */
export type FeatureConfigJson = Omit<FeatureConfig, 'allowedLatenessUs'> & {
  readonly allowedLatenessUs: string;
};

/**
 * Everything serving needs besides the weights, and everything an auditor needs to know what was trained on what.
 * Written once per version, never changed.
 */
export interface ModelManifest {
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  readonly version: string;
  readonly createdAt: string;
  readonly network: GruNetworkSpec & { readonly kind: 'gru' };
  readonly features: FeatureConfigJson;
  readonly featureNames: readonly string[];
  readonly normalization: NormalizationStats;
  readonly label: LabelDefinition;
  /** P(jump) at or above this is a predicted jump; chosen on the validation split, never on test. */
  readonly threshold: number;
  readonly thresholdObjective: string;
  readonly training: TrainingProvenance;
}

export function featureConfigToJson(config: FeatureConfig): FeatureConfigJson {
  return { ...config, allowedLatenessUs: config.allowedLatenessUs.toString() };
}

export function featureConfigFromJson(json: FeatureConfigJson): FeatureConfig {
  return { ...json, allowedLatenessUs: BigInt(json.allowedLatenessUs) };
}
