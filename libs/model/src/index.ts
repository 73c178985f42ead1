// Public API of @lakehouse/model: the GRU jump model, its training and evaluation, the backends it runs on, the
// model store (registry) and the serving holder the predictor app wires into its Kafka consumer.

// Errors
export { MODEL_ERROR_CODES, ModelError, isModelError, type ModelErrorCode } from './errors/model-error';

// Backends
export {
  BACKEND_CHAIN,
  isBackendName,
  parseBackendOverride,
  resolveBackend,
  type ActivationOutcome,
  type ActiveBackend,
  type BackendActivators,
  type BackendName,
} from './backend/backend-chain';
export { activeBackend, initBackend, wasmBinaryDirectory, type BackendOptions } from './backend/tfjs-backend';
export { installNodeUtilShim, shimNodeUtilForTfjsNode } from './backend/node-util.shim';
export { cudaLibrariesMapped, runsOnGpu, type CudaMapping } from './backend/cuda-detection.util';

// Network and inference
export { DEFAULT_GRU_UNITS, buildGruNetwork, type GruNetworkSpec } from './network/gru-network';
export {
  INPUT_REJECT_CODES,
  checkBatchShape,
  findNonFiniteWindows,
  type InputReject,
  type InputRejectCode,
  type WindowShape,
} from './inference/window-validation';
export { normalizeWindows } from './inference/window-normalizer';
export { TfjsWindowPredictor, type WindowPredictor } from './inference/window-predictor';
export { scoreBatch, type BatchScores } from './inference/score-batch';

// Artifacts and the model store
export {
  MANIFEST_FORMAT_VERSION,
  featureConfigFromJson,
  featureConfigToJson,
  type FeatureConfigJson,
  type ModelManifest,
  type TrainingProvenance,
} from './artifact/model-manifest';
export { parseManifest } from './artifact/model-manifest.parser';
export { type ModelArtifact } from './artifact/model-artifact';
export {
  WEIGHTS_FILE,
  deserializeNetwork,
  serializeNetwork,
  type SerializedNetwork,
} from './artifact/network.codec';
export { ModelStore } from './store/model-store.port';
export { FilesystemModelStore, MODEL_FILES } from './store/filesystem-model-store';
export { InMemoryModelStore } from './store/in-memory-model-store';

// Serving
export {
  ServingModel,
  loadServingModel,
  tfjsPredictorFactory,
  type BatchProvenance,
  type PredictorFactory,
  type RowReject,
  type ServedBatch,
  type ServingModelOptions,
} from './serving/serving-model';

// Evaluation
export {
  METRIC_NAMES,
  type ClassifierScores,
  type EvaluationReport,
  type MetricEstimate,
  type MetricName,
  type ScoredClassifier,
} from './evaluation/evaluation-report';

// Test support
export { createUntrainedArtifact, type UntrainedArtifactOptions } from './testing/untrained-artifact';
