import {
  FilesystemModelStore,
  NdjsonTrainingDataSource,
  type TrainingDataSource,
  type TrainingProgress,
  type TrainingResult,
  TRAIN_USAGE,
  filesystemStoreRef,
  ndjsonSourceRef,
  parseTrainArgs,
  trainInWorker,
  trainModel,
} from '@lakehouse/model';
import { loadConfig } from '@lakehouse/platform';
import { SilverTrainingDataSource } from '../training/silver-training-data-source';
import { type CliEnv, type CliOutput, cliEnvSchema, storeRootOf } from './cli-env';

export const PREDICTOR_TRAIN_USAGE = `predictor train --symbols SPX,IXIC --from ISO --to ISO [--table-version N] [--promote] [options]
  Trains the GRU on silver.ticks (LAKE_ROOT) pinned to a table version, evaluates it on the held-out test split
  next to baselines and registers the artifact in the model store (MODEL_STORE_DIR, default <LAKE_ROOT>/../models).
${TRAIN_USAGE.split('\n').slice(1).join('\n')}`;

function sourceOf(
  command: ReturnType<typeof parseTrainArgs>,
  env: CliEnv,
): { source: TrainingDataSource; ref: ReturnType<typeof ndjsonSourceRef> } {
  if (command.ndjson !== undefined) {
    return {
      source: new NdjsonTrainingDataSource(command.ndjson, command.timeZone),
      ref: ndjsonSourceRef(command.ndjson, command.timeZone),
    };
  }
  if (env.LAKE_ROOT === undefined)
    throw new Error(`LAKE_ROOT is required to read silver.ticks\n${PREDICTOR_TRAIN_USAGE}`);
  return {
    source: new SilverTrainingDataSource(env.LAKE_ROOT),
    ref: SilverTrainingDataSource.ref(env.LAKE_ROOT),
  };
}

/** `predictor train`: returns the exit code. Progress goes out as JSON lines, then the markdown report. */
export async function runTrain(
  args: readonly string[],
  rawEnv: NodeJS.ProcessEnv,
  out: CliOutput,
): Promise<number> {
  const env = loadConfig(cliEnvSchema, rawEnv);
  const command = parseTrainArgs(args);
  const storeRoot = args.includes('--store') ? command.storeRoot : storeRootOf(env);
  const options = {
    ...command.options,
    backend: { override: env.TF_BACKEND, log: (event: Record<string, unknown>) => out.json(event) },
  };
  const { source, ref } = sourceOf(command, env);
  const onProgress = (event: TrainingProgress): void => out.json({ ...event });
  out.json({
    msg: 'training',
    source: source.description,
    store: storeRoot,
    symbols: options.symbols,
    from: options.from,
    to: options.to,
  });
  const result: TrainingResult = command.inWorker
    ? await trainInWorker(
        {
          // Functions do not cross to a worker thread: the backend choice goes, its log line stays there.
          options: { ...command.options, backend: { override: env.TF_BACKEND } },
          dataSource: ref,
          store: filesystemStoreRef(storeRoot),
        },
        onProgress,
      )
    : await trainModel(
        { dataSource: source, store: new FilesystemModelStore(storeRoot), onProgress },
        options,
      );
  // On a worker the check ran on the worker's own source (a skew fails the run there); its counts stay there.
  if (source instanceof SilverTrainingDataSource && !command.inWorker) {
    out.json({ msg: 'train/serve feature check', perSymbol: Object.fromEntries(source.skew) });
  }
  out.json({
    msg: 'trained',
    version: result.manifest.version,
    promoted: result.promoted,
    backend: result.backend,
    silverTableVersion: result.manifest.training.silverTableVersion,
    samples: result.manifest.training.samples,
  });
  out.text(`\n${result.reportMarkdown}`);
  return 0;
}
