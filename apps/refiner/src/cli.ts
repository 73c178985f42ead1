import 'reflect-metadata';
import { ConfigError, errorMessage } from '@lakehouse/platform';
import { Logger } from '@nestjs/common';
import { BACKFILL_USAGE, runBackfill } from './cli/backfill.command';
import { REPAIR_LATE_USAGE, runRepairLate } from './cli/repair-late.command';
import { runVerify, VERIFY_USAGE } from './cli/verify.command';

const USAGE = `usage:\n${BACKFILL_USAGE}\n${REPAIR_LATE_USAGE}\n${VERIFY_USAGE}`;

/**
 * The refiner's commands: `backfill` (Bronze → a fresh Silver), `repair-late` (late ticks applied in event-time
 * order) and `verify` (Silver's invariants).
 */
async function main(argv: readonly string[]): Promise<number> {
  // stdout carries the command's result (possibly --json); progress logs stay off it.
  Logger.overrideLogger(['error', 'warn']);
  const [command, ...args] = argv;
  if (command === 'backfill') return runBackfill(args, process.env);
  if (command === 'repair-late') return runRepairLate(args, process.env);
  if (command === 'verify') return runVerify(args, process.env);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const reason = error instanceof ConfigError ? error.message : errorMessage(error);
    process.stderr.write(`refiner: ${reason}\n`);
    process.exit(1);
  },
);
