// A separate OS process for concurrency.int-spec.ts: it appends and merges into one table while a
// sibling does the same, and prints one JSON line per operation outcome.
// Usage: node concurrency.worker.js <table-uri> <worker-id> <rounds>
import { DeltaTable } from './delta-table.js';
import { DeltaError, CommitConflictError } from './errors.js';
import { ticks } from './test-support.js';

/** Rows per append; ids of worker w, round r are w*ID_STRIDE + r*ROWS_PER_APPEND + (0…ROWS_PER_APPEND-1). */
export const ROWS_PER_APPEND = 10;
export const ID_STRIDE = 1_000_000;
/** Ids 0…SHARED_KEYS-1 exist before the workers start; every merge rewrites all of them. */
export const SHARED_KEYS = 10;

/** One operation's outcome as printed by the worker. */
export interface Outcome {
  readonly worker: number;
  readonly round: number;
  readonly op: 'append' | 'merge';
  readonly ok: boolean;
  readonly version?: number;
  readonly code?: string;
  readonly kind?: string;
  /** The price every shared key gets from this merge. */
  readonly price?: number;
}

/** The price a worker's merge in a round writes: unique per (worker, round). */
export function mergePrice(worker: number, round: number): number {
  return worker * 1000 + round;
}

async function attempt(outcome: Omit<Outcome, 'ok'>, run: () => Promise<number>): Promise<void> {
  try {
    const version = await run();
    console.log(JSON.stringify({ ...outcome, ok: true, version }));
  } catch (error) {
    const code = error instanceof DeltaError ? error.code : 'UNTYPED';
    const kind = error instanceof CommitConflictError ? error.kind : undefined;
    console.log(JSON.stringify({ ...outcome, ok: false, code, kind, message: String(error) }));
  }
}

async function main(): Promise<void> {
  const [uri, workerArg, roundsArg] = process.argv.slice(2);
  if (uri === undefined || workerArg === undefined || roundsArg === undefined) {
    throw new Error('usage: concurrency.worker.js <uri> <worker> <rounds>');
  }
  const worker = Number(workerArg);
  const rounds = Number(roundsArg);
  const table = await DeltaTable.open(uri);
  for (let round = 0; round < rounds; round += 1) {
    await attempt({ worker, round, op: 'append' }, async () => {
      const data = ticks(ROWS_PER_APPEND, worker * ID_STRIDE + round * ROWS_PER_APPEND);
      return (await table.append(data, { txns: [{ appId: `worker-${worker}`, version: round + 1 }] }))
        .version;
    });
    const price = mergePrice(worker, round);
    await attempt({ worker, round, op: 'merge', price }, async () => {
      const source = ticks(SHARED_KEYS, 0, price);
      const result = await table.merge(source, {
        predicate: 'target.id = source.id',
        whenMatched: [{ update: { price: `${price}` } }],
      });
      return result.version;
    });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
