// One predict-throughput measurement in its own process: prints one JSON line.
// Usage: node bench/model/predict-bench.mjs <backend|auto> <tfjs|onnx> <batch> [seconds]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const model = require('../../libs/model/dist/index.js');

const [backendArg = 'auto', runtime = 'tfjs', batchArg = '512', secondsArg = '3'] = process.argv.slice(2);
const BATCH = Number(batchArg);
const SECONDS = Number(secondsArg);
const TIMESTEPS = 30;
const FEATURES = 20;
const UNITS = 64;

const store = new model.InMemoryModelStore();
await store.save(
  await model.createUntrainedArtifact({
    version: 'bench',
    timesteps: TIMESTEPS,
    features: FEATURES,
    units: UNITS,
  }),
);
await store.promote('bench');
const serving = await model.loadServingModel(store, {
  backend: { override: backendArg },
  predictorFactory: runtime === 'onnx' ? model.onnxPredictorFactory : model.tfjsPredictorFactory,
  pointerCheckIntervalMs: Number.POSITIVE_INFINITY,
});
const windows = new Float32Array(BATCH * TIMESTEPS * FEATURES).map((_, i) => Math.sin(i));
for (let i = 0; i < 3; i += 1) await serving.predictBatch(windows, BATCH, TIMESTEPS, FEATURES);
const started = performance.now();
let rows = 0;
let batches = 0;
while (performance.now() - started < SECONDS * 1000) {
  const result = await serving.predictBatch(windows, BATCH, TIMESTEPS, FEATURES);
  if (!result.ok) throw new Error(result.reason);
  rows += BATCH;
  batches += 1;
}
const elapsed = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    backend: serving.backendLabel,
    runtime,
    batch: BATCH,
    predictionsPerSecond: rows / elapsed,
    msPerBatch: (elapsed * 1000) / batches,
  }),
);
serving.dispose();
