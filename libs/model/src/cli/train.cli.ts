// `node libs/model/dist/cli/train.cli.js --ndjson data/sample/ticks.ndjson --time-zone America/New_York ...`:
// local training without a lake. The predictor app's `predictor train` reuses parseTrainArgs with its Delta source.
import { NdjsonTrainingDataSource } from '../dataset/ndjson-training-data-source';
import { isModelError } from '../errors/model-error';
import { FilesystemModelStore } from '../store/filesystem-model-store';
import { filesystemStoreRef, ndjsonSourceRef } from '../training/component-ref';
import { trainInWorker } from '../training/train-in-worker';
import { TrainingProgress, TrainingResult, trainModel } from '../training/train-model';
import { TRAIN_USAGE, parseTrainArgs } from './train-args';

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function log(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ stage: 'train', ...event })}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseTrainArgs(argv);
  if (command.ndjson === undefined) {
    log({ msg: 'no --ndjson given: this entry point reads files only; use `predictor train` for Silver' });
    process.stderr.write(`${TRAIN_USAGE}\n`);
    return EXIT_USAGE;
  }
  const onProgress = (event: TrainingProgress): void => log({ ...event });
  const result: TrainingResult = command.inWorker
    ? await trainInWorker(
        {
          options: command.options,
          dataSource: ndjsonSourceRef(command.ndjson, command.timeZone),
          store: filesystemStoreRef(command.storeRoot),
        },
        onProgress,
      )
    : await trainModel(
        {
          dataSource: new NdjsonTrainingDataSource(command.ndjson, command.timeZone),
          store: new FilesystemModelStore(command.storeRoot),
          onProgress,
        },
        command.options,
      );
  log({
    msg: 'trained',
    version: result.manifest.version,
    promoted: result.promoted,
    backend: result.backend,
  });
  process.stdout.write(`\n${result.reportMarkdown}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      log({
        msg: 'training failed',
        code: isModelError(error) ? error.code : 'TRAINING_FAILED',
        reason: String(error),
      });
      process.exit(isModelError(error, 'INVALID_ARGUMENT') ? EXIT_USAGE : EXIT_FAILURE);
    },
  );
}
