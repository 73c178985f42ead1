import { FilesystemModelStore, MODELS_USAGE, isModelError, runModelsCommand } from '@lakehouse/model';
import { ConfigError, errorMessage, loadConfig } from '@lakehouse/platform';
import { type CliOutput, cliEnvSchema, storeRootOf } from './cli/cli-env';
import { PREDICTOR_TRAIN_USAGE, runTrain } from './cli/train.command';

const USAGE = `usage:
${PREDICTOR_TRAIN_USAGE}
predictor promote VERSION        serve VERSION (running predictors swap to it between two batches)
predictor models list|promoted   the registered versions, the promoted one
  env: MODEL_STORE_DIR or LAKE_ROOT (the store defaults to <LAKE_ROOT>/../models), TF_BACKEND`;

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const stdout: CliOutput = {
  json: (event) => process.stdout.write(`${JSON.stringify({ stage: 'predictor', ...event })}\n`),
  text: (text) => process.stdout.write(`${text}\n`),
};

async function registry(args: readonly string[]): Promise<number> {
  const store = new FilesystemModelStore(storeRootOf(loadConfig(cliEnvSchema, process.env)));
  const lines = await runModelsCommand(args, store);
  stdout.text(lines.join('\n'));
  return 0;
}

/** The predictor's commands: `train` (Silver → a registered model), `promote`, `models`. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'train':
      return runTrain(args, process.env, stdout);
    case 'promote':
      return registry(['promote', ...args]);
    case 'models':
      return registry(args);
    case undefined:
    default:
      process.stderr.write(`${USAGE}\n${MODELS_USAGE}\n`);
      return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const reason = error instanceof ConfigError ? error.message : errorMessage(error);
    const code = isModelError(error)
      ? error.code
      : error instanceof ConfigError
        ? 'INVALID_CONFIG'
        : 'FAILED';
    process.stderr.write(`predictor: ${code}: ${reason}\n`);
    process.exit(
      isModelError(error, 'INVALID_ARGUMENT') || error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE,
    );
  },
);
