import {
  DEFAULT_FEATURE_CONFIG,
  DEFAULT_LABEL_DEFINITION,
  FeatureConfig,
  LabelDefinition,
} from '@lakehouse/domain';
import { BackendOptions } from '../backend/tfjs-backend';
import { DEFAULT_SPLIT_FRACTIONS, SplitFractions } from '../dataset/chronological-split';
import { ModelError } from '../errors/model-error';
import { DEFAULT_GRU_UNITS } from '../network/gru-network';

/** What `predictor train` asks for. Everything but the symbols and the range has a default. */
export interface TrainOptions {
  readonly symbols: readonly string[];
  /** ISO-8601 instants: event times in [from, to) are read. */
  readonly from: string;
  readonly to: string;
  /** Silver table version to pin; the latest when absent. Recorded in the artifact either way. */
  readonly tableVersion?: number;
  readonly features?: FeatureConfig;
  readonly label?: LabelDefinition;
  readonly units?: number;
  readonly dropout?: number;
  readonly maxEpochs?: number;
  /** Epochs without a better validation ROC-AUC before training stops (the best weights are kept). */
  readonly patience?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly splits?: SplitFractions;
  readonly bootstrapResamples?: number;
  /** Version name to register; default `gru-<UTC timestamp>`. */
  readonly version?: string;
  /** Promote the new version to be served once registered. */
  readonly promote?: boolean;
  readonly backend?: BackendOptions;
}

export type ResolvedTrainOptions = Required<Omit<TrainOptions, 'tableVersion' | 'version' | 'backend'>> &
  Pick<TrainOptions, 'tableVersion' | 'version' | 'backend'> & {
    readonly fromUs: bigint;
    readonly toUs: bigint;
  };

export const TRAIN_DEFAULTS = {
  units: DEFAULT_GRU_UNITS,
  dropout: 0,
  maxEpochs: 20,
  patience: 3,
  batchSize: 256,
  learningRate: 1e-3,
  seed: 42,
  bootstrapResamples: 1000,
  promote: false,
} as const;

const MICROS_PER_MILLI = 1000n;

function instantUs(iso: string, what: string): bigint {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new ModelError('INVALID_ARGUMENT', `${what} ${JSON.stringify(iso)} is not a date`);
  return BigInt(ms) * MICROS_PER_MILLI;
}

/** @throws ModelError `INVALID_ARGUMENT` listing the first bad option */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (options.symbols.length === 0) throw new ModelError('INVALID_ARGUMENT', 'no symbols to train on');
  const fromUs = instantUs(options.from, 'from');
  const toUs = instantUs(options.to, 'to');
  if (fromUs >= toUs) throw new ModelError('INVALID_ARGUMENT', 'from must be before to');
  const resolved = {
    ...TRAIN_DEFAULTS,
    features: DEFAULT_FEATURE_CONFIG,
    label: DEFAULT_LABEL_DEFINITION,
    splits: DEFAULT_SPLIT_FRACTIONS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    fromUs,
    toUs,
  } as ResolvedTrainOptions;
  const positiveInts: Array<[string, number]> = [
    ['units', resolved.units],
    ['maxEpochs', resolved.maxEpochs],
    ['patience', resolved.patience],
    ['batchSize', resolved.batchSize],
    ['bootstrapResamples', resolved.bootstrapResamples],
  ];
  for (const [name, value] of positiveInts) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new ModelError('INVALID_ARGUMENT', `${name} must be an integer ≥ 1`);
    }
  }
  if (!(resolved.dropout >= 0 && resolved.dropout < 1))
    throw new ModelError('INVALID_ARGUMENT', 'dropout in [0, 1)');
  if (!(resolved.learningRate > 0)) throw new ModelError('INVALID_ARGUMENT', 'learningRate must be > 0');
  return resolved;
}
