import { DEFAULT_LABEL_DEFINITION } from '@lakehouse/domain';
import { ModelArtifact } from '../artifact/model-artifact';
import { MANIFEST_FORMAT_VERSION } from '../artifact/model-manifest';
import { serializeNetwork } from '../artifact/network.codec';
import { METRIC_NAMES, MetricEstimate } from '../evaluation/evaluation-report';
import { buildGruNetwork } from '../network/gru-network';
import { initBackend } from '../backend/tfjs-backend';

export interface UntrainedArtifactOptions {
  readonly version: string;
  readonly timesteps?: number;
  readonly features?: number;
  readonly units?: number;
  readonly seed?: number;
  readonly threshold?: number;
}

const SMALL = { timesteps: 4, features: 3, units: 4, seed: 7, threshold: 0.5 };
const EPOCH_ISO = '1970-01-01T00:00:00.000Z';

/**
 * A registrable artifact with randomly initialised weights and identity normalization, for tests and smoke runs of
 * the serving path (store, swap, batching) without training. Its evaluation is empty: it must never be promoted in
 * a real deployment.
 */
export async function createUntrainedArtifact(options: UntrainedArtifactOptions): Promise<ModelArtifact> {
  const { timesteps, features, units, seed, threshold } = { ...SMALL, ...options };
  const spec = { timesteps, features, units, dropout: 0, seed };
  await initBackend();
  const model = buildGruNetwork(spec);
  const network = await serializeNetwork(model);
  model.dispose();
  const featureNames = Array.from({ length: features }, (_, i) => `f${i}`);
  const none: MetricEstimate = { value: null, ci95: null };
  const scores = Object.fromEntries(METRIC_NAMES.map((name) => [name, none])) as Record<
    (typeof METRIC_NAMES)[number],
    MetricEstimate
  >;
  return {
    manifest: {
      formatVersion: MANIFEST_FORMAT_VERSION,
      version: options.version,
      createdAt: EPOCH_ISO,
      network: { kind: 'gru', ...spec },
      features: {
        version: 'untrained',
        returnLags: 0,
        returnWindows: [],
        volumeWindow: 1,
        sequenceLength: timesteps,
        allowedLatenessUs: '0',
      },
      featureNames,
      normalization: {
        featureVersion: 'untrained',
        featureNames,
        count: 0,
        mean: new Array<number>(features).fill(0),
        std: new Array<number>(features).fill(1),
      },
      label: DEFAULT_LABEL_DEFINITION,
      threshold,
      thresholdObjective: 'none (untrained)',
      training: {
        dataSource: 'none',
        symbols: [],
        from: EPOCH_ISO,
        to: EPOCH_ISO,
        silverTableVersion: null,
        samples: { train: 0, validation: 0, test: 0 },
        purgedAtSplitBoundaries: 0,
        splitTimes: { validationFrom: EPOCH_ISO, testFrom: EPOCH_ISO },
        epochsRun: 0,
        stoppedEarly: false,
        bestEpoch: 0,
        earlyStopping: 'none',
        classWeights: { negative: 1, positive: 1 },
        seed,
        backend: 'none',
        durationMs: 0,
      },
    },
    network,
    evaluation: {
      modelVersion: options.version,
      labelVersion: DEFAULT_LABEL_DEFINITION.version,
      split: 'test',
      n: 0,
      positives: 0,
      positiveRate: 0,
      threshold,
      bootstrap: { resamples: 0, seed, confidence: 0.95 },
      model: { name: 'gru', description: 'untrained', scores },
      baselines: [],
    },
    reportMarkdown: '# Untrained model\n\nNo evaluation.\n',
  };
}
