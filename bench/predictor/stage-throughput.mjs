// One measurement of the predictor stage without Kafka, in its own process: the consumer's whole batch path
// (decode ticks.refined records with their base64 float32 windows → one batched predict → encode
// signals.predictions records → one produce to an in-memory producer) over the production model shape.
// Prints one JSON line. Usage: node bench/predictor/stage-throughput.mjs <batch> [seconds] [runtime auto|tfjs]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const bus = require('../../libs/bus/dist/index.js');
const model = require('../../libs/model/dist/index.js');
const platform = require('../../libs/platform/dist/index.js');
const { PredictorConsumer } = require('../../apps/predictor/dist/predictor.consumer.js');
const { PredictorService } = require('../../apps/predictor/dist/predictor.service.js');
const { ModelHolder } = require('../../apps/predictor/dist/serving/model-holder.js');
const { PredictorMetrics } = require('../../apps/predictor/dist/serving/predictor-metrics.js');
const { refinedTick } = require('../../apps/predictor/dist/testing/refined-ticks.js');

const [batchArg = '512', secondsArg = '3', runtime = 'auto'] = process.argv.slice(2);
const BATCH = Number(batchArg);
const SECONDS = Number(secondsArg);
const STEPS = 30;
const FEATURES = 20;
const UNITS = 64;

const store = new model.InMemoryModelStore();
await store.save(
  await model.createUntrainedArtifact({
    version: 'bench',
    timesteps: STEPS,
    features: FEATURES,
    units: UNITS,
  }),
);
await store.promote('bench');
const holder = new ModelHolder(
  store,
  { backend: 'auto', runtime, onnxThreads: 1, pollMs: 3_600_000, storeDescription: 'memory' },
  () => undefined,
);
await holder.start();
const producer = new bus.InMemoryMessageProducer();
const service = new PredictorService(
  producer,
  new platform.SystemClock(),
  holder,
  new PredictorMetrics(new platform.PipelineMetrics('predictor')),
  () => performance.now(),
);
const consumer = new PredictorConsumer(
  service,
  new bus.InMemoryDeadLetter(),
  new platform.JsonLogger({ stage: 'predictor', level: 'error', write: () => undefined }),
  () => performance.now(),
);
const records = Array.from({ length: BATCH }, (_, i) => {
  const tick = refinedTick(i, {
    symbol: `S${i % 6}`,
    steps: STEPS,
    features: FEATURES,
    featureVersion: 'untrained',
  });
  return { key: tick.symbol, value: bus.encodeRefinedTick(tick) };
});
const batch = bus.fakeRecordBatch('ticks.refined', records);
for (let i = 0; i < 3; i += 1) await consumer.handle(batch);
producer.sent.clear();
const started = performance.now();
let rows = 0;
let batches = 0;
while (performance.now() - started < SECONDS * 1000) {
  await consumer.handle(batch);
  producer.sent.clear();
  rows += BATCH;
  batches += 1;
}
const elapsed = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    backend: holder.probe().details.backend,
    batch: BATCH,
    eventsPerSecond: rows / elapsed,
    msPerBatch: (elapsed * 1000) / batches,
  }),
);
await holder.stop();
