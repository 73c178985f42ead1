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
  SERVING_RUNTIMES,
  ServingModel,
  choosePredictorFactory,
  loadServingModel,
  parseServingRuntime,
  type ServingRuntime,
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

// Training data
export { TrainingDataSource, type EventTimeRange } from './dataset/training-data-source.port';
export { InMemoryTrainingDataSource } from './dataset/in-memory-training-data-source';
export { NdjsonTrainingDataSource } from './dataset/ndjson-training-data-source';
export { buildLabeledSequences, type LabeledSequences } from './dataset/labeled-sequences';
export {
  DEFAULT_SPLIT_FRACTIONS,
  chronologicalSplit,
  type ChronologicalSplit,
  type SplitFractions,
} from './dataset/chronological-split';
export { balancedClassWeights, type ClassWeights } from './dataset/class-weights';

// Training
export { TRAIN_DEFAULTS, resolveTrainOptions, type TrainOptions } from './training/train-options';
export {
  trainModel,
  type TrainingDependencies,
  type TrainingProgress,
  type TrainingResult,
} from './training/train-model';
export { trainInWorker, type TrainWorkerData } from './training/train-in-worker';
export {
  constructComponent,
  filesystemStoreRef,
  ndjsonSourceRef,
  type ComponentRef,
} from './training/component-ref';
export { TRAIN_USAGE, parseTrainArgs, type TrainCommand } from './cli/train-args';
export { MODELS_USAGE, runModelsCommand } from './cli/models-command';

// Evaluation internals useful to the app and the dashboard
export {
  evaluateClassifiers,
  type ClassifierOutput,
  type EvaluationInput,
} from './evaluation/evaluate-classifiers';
export { renderEvaluationMarkdown } from './evaluation/evaluation-markdown';
export { THRESHOLD_OBJECTIVE, chooseThreshold } from './evaluation/threshold-selection';
export { fitLogisticRegression, predictLogistic, type LogisticModel } from './evaluation/logistic-regression';
export { syntheticSilverTicks, type SyntheticTickOptions } from './testing/synthetic-silver-ticks';

// ONNX export and runtime
export {
  ONNX_INPUT,
  ONNX_OUTPUT,
  buildGruOnnxModel,
  gruWeightsOf,
  type GruWeights,
} from './onnx/gru-onnx.export';
export {
  OnnxWindowPredictor,
  createOnnxPredictorFactory,
  loadOnnxRuntime,
  type OnnxSessionOptions,
  onnxPredictorFactory,
  onnxRuntimeAvailable,
} from './onnx/onnx-window-predictor';
