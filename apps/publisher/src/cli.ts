import { errorMessage } from '@lakehouse/platform';
import { runToken, TOKEN_USAGE } from './cli/token.command';

/** The publisher's commands: `token` (a client token for the sockets and the API). */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'token') return runToken(args, process.env, new Date());
  process.stderr.write(`usage:\n${TOKEN_USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`publisher: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
