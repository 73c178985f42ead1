import { parseArgs } from 'node:util';
import { DEFAULT_LABEL_DEFINITION } from '@lakehouse/domain';
import { ModelError } from '../errors/model-error';
import { TrainOptions } from '../training/train-options';

export const TRAIN_USAGE = `usage: train --symbols SPX,IXIC --from 1999-01-01 --to 2019-01-01 [options]
  --symbols LIST        comma-separated symbols (required)
  --from ISO, --to ISO  event-time range [from, to) (required)
  --table-version N     Silver version to pin (default: latest)
  --store DIR           model store directory (default: .work/models)
  --ndjson FILE         read raw tick NDJSON instead of Silver (local runs)
  --time-zone ZONE      exchange time zone of NDJSON timestamps without offset
  --version NAME        version to register (default: gru-<UTC timestamp>)
  --units N --epochs N --patience N --batch-size N --learning-rate X --seed N --bootstrap N
  --promote             promote the new version to be served
  --in-worker           train on a worker thread`;

/** What the command line asks for, split into the training options and where to read and write. */
export interface TrainCommand {
  readonly options: TrainOptions;
  readonly storeRoot: string;
  readonly ndjson?: string;
  readonly timeZone?: string;
  readonly inWorker: boolean;
}

const DEFAULT_STORE_ROOT = '.work/models';

function numberArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new ModelError('INVALID_ARGUMENT', `--${name} must be a number, got ${value}`);
  return n;
}

/**
 * Parses `train` arguments; `predictor train` passes its argv here and supplies its own Silver data source.
 * @throws ModelError `INVALID_ARGUMENT` with the usage text appended
 */
export function parseTrainArgs(argv: readonly string[]): TrainCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        symbols: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'table-version': { type: 'string' },
        store: { type: 'string' },
        ndjson: { type: 'string' },
        'time-zone': { type: 'string' },
        version: { type: 'string' },
        units: { type: 'string' },
        epochs: { type: 'string' },
        patience: { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string' },
        seed: { type: 'string' },
        bootstrap: { type: 'string' },
        promote: { type: 'boolean' },
        'in-worker': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new ModelError('INVALID_ARGUMENT', `${(error as Error).message}\n${TRAIN_USAGE}`);
  }
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const symbols = (str('symbols') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const from = str('from');
  const to = str('to');
  if (symbols.length === 0 || from === undefined || to === undefined) {
    throw new ModelError('INVALID_ARGUMENT', `--symbols, --from and --to are required\n${TRAIN_USAGE}`);
  }
  return {
    options: {
      symbols,
      from,
      to,
      tableVersion: numberArg(str('table-version'), 'table-version'),
      version: str('version'),
      units: numberArg(str('units'), 'units'),
      maxEpochs: numberArg(str('epochs'), 'epochs'),
      patience: numberArg(str('patience'), 'patience'),
      batchSize: numberArg(str('batch-size'), 'batch-size'),
      learningRate: numberArg(str('learning-rate'), 'learning-rate'),
      seed: numberArg(str('seed'), 'seed'),
      bootstrapResamples: numberArg(str('bootstrap'), 'bootstrap'),
      label: DEFAULT_LABEL_DEFINITION,
      promote: values['promote'] === true,
    },
    storeRoot: str('store') ?? DEFAULT_STORE_ROOT,
    ndjson: str('ndjson'),
    timeZone: str('time-zone'),
    inWorker: values['in-worker'] === true,
  };
}
