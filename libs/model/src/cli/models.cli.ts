// `node libs/model/dist/cli/models.cli.js list|promoted|promote VERSION [--store DIR]` over a local model store.
import { isModelError } from '../errors/model-error';
import { FilesystemModelStore } from '../store/filesystem-model-store';
import { runModelsCommand } from './models-command';

const DEFAULT_STORE_ROOT = '.work/models';
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

if (require.main === module) {
  const args = process.argv.slice(2);
  const storeAt = args.indexOf('--store');
  const root = storeAt >= 0 ? (args[storeAt + 1] ?? DEFAULT_STORE_ROOT) : DEFAULT_STORE_ROOT;
  const positional = storeAt >= 0 ? [...args.slice(0, storeAt), ...args.slice(storeAt + 2)] : args;
  runModelsCommand(positional, new FilesystemModelStore(root)).then(
    (lines) => process.stdout.write(`${lines.join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error instanceof Error ? error.message : error)}\n`);
      process.exit(isModelError(error, 'INVALID_ARGUMENT') ? EXIT_USAGE : EXIT_FAILURE);
    },
  );
}
