// One training-epoch measurement in its own process: prints one JSON line.
// Trains the production-shape GRU for exactly one epoch on the sample data (both symbols, default features and
// label, the real chronological split) and reports that epoch's time: fitting the training windows plus scoring
// the validation windows for early stopping.
// Usage: node bench/model/train-bench.mjs <backend|auto> [units] [batchSize]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const model = require('../../libs/model/dist/index.js');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [backendArg = 'auto', unitsArg = '64', batchArg = '256'] = process.argv.slice(2);

let epoch;
let dataset;
const started = performance.now();
const result = await model.trainModel(
  {
    dataSource: new model.NdjsonTrainingDataSource(
      join(ROOT, 'data/sample/ticks.ndjson'),
      'America/New_York',
    ),
    store: new model.InMemoryModelStore(),
    onProgress: (event) => {
      if (event.stage === 'epoch') epoch = event;
      if (event.stage === 'dataset') dataset = event;
    },
  },
  {
    symbols: ['SPX', 'IXIC'],
    from: '1999-01-01T00:00:00Z',
    to: '2019-01-01T00:00:00Z',
    units: Number(unitsArg),
    batchSize: Number(batchArg),
    maxEpochs: 1,
    bootstrapResamples: 1,
    version: 'bench',
    backend: { override: backendArg },
  },
);
console.log(
  JSON.stringify({
    backend: result.backend,
    units: Number(unitsArg),
    batchSize: Number(batchArg),
    trainWindows: dataset.train,
    validationWindows: dataset.validation,
    window: `${result.manifest.network.timesteps}x${result.manifest.network.features}`,
    epochSeconds: epoch.ms / 1000,
    totalSeconds: (performance.now() - started) / 1000,
  }),
);
