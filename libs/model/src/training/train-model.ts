import {
  SeededRandom,
  SilverTick,
  computeNormalizationStats,
  createMulberry32,
  randomIndex,
  rocAuc,
} from '@lakehouse/domain';
import { ModelArtifact } from '../artifact/model-artifact';
import { MANIFEST_FORMAT_VERSION, ModelManifest, featureConfigToJson } from '../artifact/model-manifest';
import { serializeNetwork } from '../artifact/network.codec';
import { initBackend } from '../backend/tfjs-backend';
import { chronologicalSplit } from '../dataset/chronological-split';
import { balancedClassWeights } from '../dataset/class-weights';
import { LabeledSequences, buildLabeledSequences } from '../dataset/labeled-sequences';
import { TrainingDataSource } from '../dataset/training-data-source.port';
import { EvaluationReport } from '../evaluation/evaluation-report';
import { evaluateClassifiers } from '../evaluation/evaluate-classifiers';
import { renderEvaluationMarkdown } from '../evaluation/evaluation-markdown';
import { fitLogisticRegression, predictLogistic } from '../evaluation/logistic-regression';
import { THRESHOLD_OBJECTIVE, chooseThreshold } from '../evaluation/threshold-selection';
import { ModelError } from '../errors/model-error';
import { normalizeWindows } from '../inference/window-normalizer';
import { buildGruNetwork } from '../network/gru-network';
import { ModelStore } from '../store/model-store.port';
import { tf } from '../tf';
import { ResolvedTrainOptions, TrainOptions, resolveTrainOptions } from './train-options';

export interface TrainingDependencies {
  readonly dataSource: TrainingDataSource;
  readonly store: ModelStore;
  /** Wall clock for the artifact's timestamps and the default version name. */
  readonly now?: () => Date;
  readonly onProgress?: (event: TrainingProgress) => void;
}

export type TrainingProgress =
  | {
      readonly stage: 'data';
      readonly symbols: number;
      readonly ticks: number;
      readonly tableVersion: number | null;
    }
  | { readonly stage: 'dataset'; readonly train: number; readonly validation: number; readonly test: number }
  | {
      readonly stage: 'epoch';
      readonly epoch: number;
      readonly loss: number;
      readonly validationAuc: number | null;
      readonly improved: boolean;
      readonly ms: number;
    }
  | { readonly stage: 'registered'; readonly version: string; readonly promoted: boolean };

export interface TrainingResult {
  readonly manifest: ModelManifest;
  readonly evaluation: EvaluationReport;
  readonly reportMarkdown: string;
  readonly promoted: boolean;
  readonly backend: string;
}

/** Fewer rows than this in any split makes the evaluation meaningless: refuse instead. */
const MIN_ROWS_PER_SPLIT = 20;
const PREDICT_BATCH = 2048;

function gatherRows(source: Float32Array, rowSize: number, indexes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indexes.length * rowSize);
  for (let i = 0; i < indexes.length; i += 1) {
    const row = indexes[i]!;
    out.set(source.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
  }
  return out;
}

function gather<T extends ArrayLike<number>>(source: T, indexes: ArrayLike<number>): number[] {
  return Array.from({ length: indexes.length }, (_, i) => source[indexes[i]!]!);
}

/** The last timestep of every window: the input of the logistic-regression baseline. */
function lastVectors(windows: Float32Array, timesteps: number, features: number): Float32Array {
  const n = windows.length / (timesteps * features);
  const out = new Float32Array(n * features);
  for (let i = 0; i < n; i += 1) {
    const start = (i * timesteps + timesteps - 1) * features;
    out.set(windows.subarray(start, start + features), i * features);
  }
  return out;
}

function shuffled(n: number, random: SeededRandom): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = randomIndex(random, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function predictAll(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(
    () => (model.predict(x, { batchSize: PREDICT_BATCH }) as tf.Tensor).dataSync() as Float32Array,
  );
}

function isoOfUs(us: bigint): string {
  return new Date(Number(us / 1000n)).toISOString();
}

function defaultVersion(now: Date): string {
  return `gru-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

async function readSeries(
  source: TrainingDataSource,
  options: ResolvedTrainOptions,
): Promise<{ series: Map<string, SilverTick[]>; ticks: number }> {
  const series = new Map<string, SilverTick[]>();
  let ticks = 0;
  for (const symbol of options.symbols) {
    const collected: SilverTick[] = [];
    for await (const chunk of source.readSymbol(symbol, { fromUs: options.fromUs, toUs: options.toUs })) {
      for (const tick of chunk) collected.push(tick);
    }
    ticks += collected.length;
    series.set(symbol, collected);
  }
  return { series, ticks };
}

interface FitOutcome {
  readonly epochsRun: number;
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

async function fitWithEarlyStopping(
  model: tf.LayersModel,
  train: { x: tf.Tensor; y: tf.Tensor; n: number },
  validation: { x: tf.Tensor; labels: number[] },
  options: ResolvedTrainOptions,
  classWeight: { 0: number; 1: number },
  onProgress: TrainingDependencies['onProgress'],
): Promise<FitOutcome> {
  const random = createMulberry32(options.seed);
  let best: { auc: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let epoch = 0;
  let sinceBest = 0;
  while (epoch < options.maxEpochs && sinceBest < options.patience) {
    epoch += 1;
    const started = performance.now();
    // Shuffle within the training split only (seeded); the split itself stays chronological.
    const order = tf.tensor1d(shuffled(train.n, random), 'int32');
    const x = tf.gather(train.x, order);
    const y = tf.gather(train.y, order);
    const history = await model.fit(x, y, {
      epochs: 1,
      batchSize: options.batchSize,
      shuffle: false,
      classWeight,
      verbose: 0,
    });
    tf.dispose([order, x, y]);
    const probabilities = predictAll(model, validation.x);
    const auc = rocAuc(
      validation.labels.map((actual, i) => ({
        probability: probabilities[i]!,
        predicted: 0,
        actual: actual === 1 ? 1 : 0,
      })),
    );
    const improved = best === undefined || (auc !== null && auc > best.auc);
    if (improved) {
      best?.weights.forEach((w) => w.dispose());
      best = {
        auc: auc ?? Number.NEGATIVE_INFINITY,
        epoch,
        weights: model.getWeights().map((w) => w.clone()),
      };
      sinceBest = 0;
    } else {
      sinceBest += 1;
    }
    const loss = history.history['loss']?.[0];
    onProgress?.({
      stage: 'epoch',
      epoch,
      loss: typeof loss === 'number' ? loss : Number.NaN,
      validationAuc: auc,
      improved,
      ms: Math.round(performance.now() - started),
    });
  }
  if (best !== undefined) {
    model.setWeights(best.weights);
    best.weights.forEach((w) => w.dispose());
  }
  return { epochsRun: epoch, bestEpoch: best?.epoch ?? epoch, stoppedEarly: epoch < options.maxEpochs };
}

function assertEnough(
  sequences: LabeledSequences,
  split: { train: Int32Array; validation: Int32Array; test: Int32Array },
) {
  for (const [name, rows] of Object.entries(split)) {
    const labels = gather(sequences.labels, rows);
    const positives = labels.filter((l) => l === 1).length;
    if (
      rows.length < MIN_ROWS_PER_SPLIT ||
      (name === 'train' && (positives === 0 || positives === rows.length))
    ) {
      throw new ModelError(
        'INSUFFICIENT_DATA',
        `the ${name} split has ${rows.length} rows and ${positives} positives: widen the date range or add symbols`,
      );
    }
  }
}

/**
 * The training command: reads Silver at a pinned version, builds windows and labels with the domain code the
 * stream uses, splits chronologically with purged gaps, trains the GRU with class weights and early stopping on
 * validation ROC-AUC, chooses the decision threshold on validation, evaluates on the held-out test split next to
 * baselines, and registers a versioned artifact (optionally promoting it).
 *
 * CPU-heavy and synchronous between awaits: run it in its own process (`predictor train`) or through
 * {@link trainInWorker}, never on a stream consumer's thread.
 *
 * @throws ModelError `INVALID_ARGUMENT`, `INSUFFICIENT_DATA`, `BACKEND_UNAVAILABLE`
 */
export async function trainModel(deps: TrainingDependencies, input: TrainOptions): Promise<TrainingResult> {
  const options = resolveTrainOptions(input);
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const backend = await initBackend(options.backend);
  const tableVersion = await deps.dataSource.pin(options.tableVersion);
  const { series, ticks } = await readSeries(deps.dataSource, options);
  deps.onProgress?.({ stage: 'data', symbols: series.size, ticks, tableVersion });

  const sequences = buildLabeledSequences(series, options.features, options.label);
  const split = chronologicalSplit(sequences.eventTimeUs, sequences.horizonEndUs, options.splits);
  assertEnough(sequences, split);
  deps.onProgress?.({
    stage: 'dataset',
    train: split.train.length,
    validation: split.validation.length,
    test: split.test.length,
  });

  const { timesteps, features } = sequences;
  const windowSize = timesteps * features;
  const rawTrain = gatherRows(sequences.windows, windowSize, split.train);
  // Statistics from the training split only, over each training row's own feature vector (its window's last step).
  const trainLast = lastVectors(rawTrain, timesteps, features);
  const normalization = computeNormalizationStats(
    Array.from({ length: split.train.length }, (_, i) =>
      Array.from(trainLast.subarray(i * features, (i + 1) * features)),
    ),
    options.features,
  );
  const normalized = (rows: Int32Array): Float32Array =>
    normalizeWindows(gatherRows(sequences.windows, windowSize, rows), normalization);
  const xTrain = normalizeWindows(rawTrain, normalization);
  const xValidation = normalized(split.validation);
  const xTest = normalized(split.test);
  const yTrain = gather(sequences.labels, split.train);
  const yValidation = gather(sequences.labels, split.validation);
  const yTest = gather(sequences.labels, split.test);
  const classWeights = balancedClassWeights(yTrain);

  const spec = { timesteps, features, units: options.units, dropout: options.dropout, seed: options.seed };
  const model = buildGruNetwork(spec);
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: 'binaryCrossentropy' });
  const tensors = {
    xTrain: tf.tensor3d(xTrain, [split.train.length, timesteps, features]),
    yTrain: tf.tensor2d(yTrain, [split.train.length, 1]),
    xValidation: tf.tensor3d(xValidation, [split.validation.length, timesteps, features]),
    xTest: tf.tensor3d(xTest, [split.test.length, timesteps, features]),
  };
  let fit: FitOutcome;
  let validationProbabilities: Float32Array;
  let testProbabilities: Float32Array;
  try {
    fit = await fitWithEarlyStopping(
      model,
      { x: tensors.xTrain, y: tensors.yTrain, n: split.train.length },
      { x: tensors.xValidation, labels: yValidation },
      options,
      { 0: classWeights.negative, 1: classWeights.positive },
      deps.onProgress,
    );
    validationProbabilities = predictAll(model, tensors.xValidation);
    testProbabilities = predictAll(model, tensors.xTest);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  const threshold = chooseThreshold(validationProbabilities, yValidation);

  // Baselines, on exactly the same test rows.
  const trainPositiveRate = yTrain.filter((l) => l === 1).length / yTrain.length;
  const majority = trainPositiveRate > 0.5 ? 1 : 0;
  const logistic = fitLogisticRegression(lastVectors(xTrain, timesteps, features), yTrain, features, {
    classWeights,
  });
  const logisticValidation = predictLogistic(
    logistic,
    lastVectors(xValidation, timesteps, features),
    features,
  );
  const logisticTest = predictLogistic(logistic, lastVectors(xTest, timesteps, features), features);
  const persistence = gather(sequences.lastKnownLabel, split.test).map((l) => (l === 1 ? 1 : 0));

  const version = options.version ?? defaultVersion(startedAt);
  const evaluation = evaluateClassifiers({
    modelVersion: version,
    labelVersion: options.label.version,
    labels: yTest,
    model: {
      name: 'gru',
      description: `GRU(${options.units}) over ${timesteps}×${features} windows; threshold maximising ${THRESHOLD_OBJECTIVE} on validation`,
      probabilities: testProbabilities,
      threshold,
    },
    baselines: [
      {
        name: 'majority',
        description: `always the training split's majority class (${majority})`,
        probabilities: new Float32Array(yTest.length).fill(majority === 1 ? 1 : 0),
        threshold: 0.5,
      },
      {
        name: 'persistence',
        description: "the same symbol's most recent label already known at the event's time (0 before any)",
        probabilities: Float32Array.from(persistence),
        threshold: 0.5,
      },
      {
        name: 'logistic',
        description: `class-weighted logistic regression on the last normalized feature vector; threshold maximising ${THRESHOLD_OBJECTIVE} on validation`,
        probabilities: logisticTest,
        threshold: chooseThreshold(logisticValidation, yValidation),
      },
    ],
    bootstrapResamples: options.bootstrapResamples,
    bootstrapSeed: options.seed,
  });

  const manifest: ModelManifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    version,
    createdAt: startedAt.toISOString(),
    network: { kind: 'gru', ...spec },
    features: featureConfigToJson(options.features),
    featureNames: sequences.featureNames,
    normalization,
    label: options.label,
    threshold,
    thresholdObjective: `${THRESHOLD_OBJECTIVE} on validation`,
    training: {
      dataSource: deps.dataSource.description,
      symbols: [...options.symbols],
      from: isoOfUs(options.fromUs),
      to: isoOfUs(options.toUs),
      silverTableVersion: tableVersion,
      samples: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      purgedAtSplitBoundaries: split.purged,
      splitTimes: { validationFrom: isoOfUs(split.validationFromUs), testFrom: isoOfUs(split.testFromUs) },
      epochsRun: fit.epochsRun,
      stoppedEarly: fit.stoppedEarly,
      bestEpoch: fit.bestEpoch,
      earlyStopping: `validation ROC-AUC, patience ${options.patience}`,
      classWeights,
      seed: options.seed,
      backend: backend.label,
      durationMs: now().getTime() - startedAt.getTime(),
    },
  };
  const reportMarkdown = renderEvaluationMarkdown(evaluation);
  const artifact: ModelArtifact = {
    manifest,
    network: await serializeNetwork(model),
    evaluation,
    reportMarkdown,
  };
  model.dispose();
  await deps.store.save(artifact);
  if (options.promote) await deps.store.promote(version);
  deps.onProgress?.({ stage: 'registered', version, promoted: options.promote });
  return { manifest, evaluation, reportMarkdown, promoted: options.promote, backend: backend.label };
}
