import 'reflect-metadata';
import { ConfigError, errorMessage } from '@lakehouse/platform';
import { FEED_USAGE, runFeed } from './cli/feed.command';
import { LOAD_USAGE, runLoad } from './cli/load.command';

const USAGE = `usage:\n${LOAD_USAGE}\n${FEED_USAGE}`;

/** The ingestor's commands: `load` (historical files → Bronze) and `feed` (a market feed → ticks.raw). */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'load') return runLoad(args, process.env);
  if (command === 'feed') return runFeed(args, process.env);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const reason = error instanceof ConfigError ? error.message : errorMessage(error);
    process.stderr.write(`ingestor: ${reason}\n`);
    process.exit(1);
  },
);
