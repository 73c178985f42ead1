import {
  assertFeatureConfig,
  assertLabelDefinition,
  type FeatureConfig,
  type LabelDefinition,
} from '@lakehouse/domain';
import { type RefinerConfig } from './config/refiner.config';
import { type RefinerOptions } from './refiner.service';

const MICROS_PER_MILLI = 1000n;
const DEFAULT_TARGET_ROWS_PER_COMMIT = 100_000;

/** The refiner's options from its validated config; the feature config and label definition are checked here. */
export function refinerOptionsOf(
  config: Pick<
    RefinerConfig,
    'REFINER_MAX_VERSIONS_PER_COMMIT' | 'REFINER_MAX_CLOCK_SKEW_MS' | 'REFINER_MIN_EVENT_TIME'
  > &
    Partial<Pick<RefinerConfig, 'REFINER_TARGET_ROWS_PER_COMMIT' | 'REFINER_MIN_COMMIT_INTERVAL_MS'>>,
  features: FeatureConfig,
  labels: LabelDefinition,
  overrides: Partial<Pick<RefinerOptions, 'publish' | 'startAfterVersion'>> = {},
): RefinerOptions {
  assertFeatureConfig(features);
  assertLabelDefinition(labels);
  const model = { features, labels };
  return {
    model,
    rules: {
      minEventTimeUs: BigInt(Date.parse(config.REFINER_MIN_EVENT_TIME)) * MICROS_PER_MILLI,
      maxClockSkewUs: BigInt(config.REFINER_MAX_CLOCK_SKEW_MS) * MICROS_PER_MILLI,
    },
    maxVersionsPerCommit: config.REFINER_MAX_VERSIONS_PER_COMMIT,
    targetRowsPerCommit: config.REFINER_TARGET_ROWS_PER_COMMIT ?? DEFAULT_TARGET_ROWS_PER_COMMIT,
    minCommitIntervalMs: config.REFINER_MIN_COMMIT_INTERVAL_MS ?? 0,
    publish: overrides.publish ?? true,
    startAfterVersion: overrides.startAfterVersion ?? 0n,
  };
}
