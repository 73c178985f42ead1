// Public API of @lakehouse/domain. Everything here is pure: no I/O, no clock, no randomness of its own.

// Tick contract (Bronze edge)
export {
  TICK_SCHEMA_VERSION,
  TICK_FIELDS_V1,
  type RawTick,
  type TickFieldName,
} from './tick/tick-contract.schema';
export { TICK_REJECT_CODES, type TickRejectCode, type TickRejectReason } from './tick/tick-reject.codes';
export {
  DEFAULT_MAX_EVENT_TIME_US,
  DEFAULT_MAX_TICK_BYTES,
  DEFAULT_MIN_EVENT_TIME_US,
  type TickParserOptions,
} from './tick/tick-parser.options';
export { parseRawTick, parseTickLine, type TickParseResult } from './tick/raw-tick.parser';
export { assertTimeZone } from './tick/exchange-time-zone.util';

// Canonical event id (Silver)
export { canonicalDecimal } from './event-id/canonical-decimal.util';
export {
  EVENT_ID_VERSION,
  computeEventId,
  encodeEventIdPreimage,
  type EventIdInput,
} from './event-id/event-id.util';

// Validation (Silver)
export {
  DEFAULT_SYMBOL_PATTERN,
  TICK_VALIDATION_CODES,
  validateTick,
  type TickValidationCode,
  type TickValidationFailure,
  type TickValidationResult,
  type TickValidationRules,
} from './validation/tick-validation.rules';

// Silver ticks, as features, labels and bars consume them
export { type SilverTick } from './tick/silver-tick.schema';
export { toSilverTick } from './tick/silver-tick.util';

// Features (Silver)
export {
  DEFAULT_FEATURE_CONFIG,
  assertFeatureConfig,
  featureNames,
  replayTicksRequired,
  type FeatureConfig,
} from './features/feature.config';
export {
  featureStateFromJson,
  featureStateToJson,
  initialFeatureState,
  type FeatureState,
  type FeatureStateJson,
  type FeatureVector,
} from './features/feature-state.schema';
export {
  modelSequence,
  rebuildFeatureState,
  stepFeatureBatch,
  stepFeatures,
  type FeatureRow,
  type FeatureStepResult,
} from './features/feature-step.util';
export { stepFeaturesBySymbol } from './features/feature-by-symbol.util';
export {
  computeNormalizationStats,
  normalizeSequence,
  type NormalizationStats,
} from './features/normalization.util';

// Labels (realized outcomes)
export {
  DEFAULT_LABEL_DEFINITION,
  assertLabelDefinition,
  horizonMicros,
  returnsNeeded,
  type LabelDefinition,
  type LabelOutcome,
} from './labels/label-definition.config';
export {
  initialLabelTrackerState,
  labelReplayTicksRequired,
  rebuildLabelTrackerState,
  stepLabelTracker,
  stepLabelsBySymbol,
  type LabelStepResult,
  type LabelTrackerState,
  type PendingLabel,
} from './labels/label-tracker.util';
export { labelSeries } from './labels/label-series.util';
export {
  labelTrackerStateFromJson,
  labelTrackerStateToJson,
  type LabelTrackerStateJson,
} from './labels/label-tracker-state.util';

// Evaluation metrics
export { createMulberry32, randomIndex, type SeededRandom } from './random/mulberry32.util';
export {
  confusionMatrix,
  evaluatePredictions,
  rocAuc,
  type ClassificationMetrics,
  type ConfusionMatrix,
  type ScalarMetric,
  type ScoredPrediction,
} from './metrics/classification-metrics.util';
export {
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_CONFIDENCE,
  SCALAR_METRICS,
  bootstrapMetrics,
  quantile,
  type BootstrapOptions,
  type ConfidenceInterval,
} from './metrics/bootstrap-interval.util';

// One-minute bars
export {
  aggregateMinuteBars,
  mergeMinuteBarSets,
  mergeMinuteBars,
  minuteStartOf,
  type MinuteBar,
} from './bars/minute-bar.util';
export {
  accuracyByScope,
  type ResolvedPrediction,
  type ScopedAccuracy,
} from './metrics/accuracy-by-scope.util';
export {
  NOT_DRIFTING,
  stepDrift,
  type DriftObservation,
  type DriftRule,
  type DriftState,
} from './metrics/drift-rule.util';
