// A model store with one promoted, UNTRAINED GRU of the serving shape (the default feature config's L × F and the
// default GRU width), for latency benchmarks only: its predictions are meaningless, its serving cost is the real one.
// Usage: node bench/publisher/make-model.mjs DIR
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const require = createRequire(join(ROOT, 'apps', 'predictor', 'package.json'));
const { createUntrainedArtifact, DEFAULT_GRU_UNITS, FilesystemModelStore } = require('@lakehouse/model');
const { DEFAULT_FEATURE_CONFIG, featureNames } = require('@lakehouse/domain');

export const BENCH_MODEL_VERSION = 'bench-untrained';

export async function makeBenchModelStore(dir) {
  const config = DEFAULT_FEATURE_CONFIG;
  const names = featureNames(config);
  const artifact = await createUntrainedArtifact({
    version: BENCH_MODEL_VERSION,
    timesteps: config.sequenceLength,
    features: names.length,
    units: DEFAULT_GRU_UNITS,
  });
  // The predictor refuses windows of another feature version: describe the features the refiner really computes.
  artifact.manifest.features = { ...config, allowedLatenessUs: String(config.allowedLatenessUs) };
  artifact.manifest.featureNames = names;
  artifact.manifest.normalization = {
    ...artifact.manifest.normalization,
    featureVersion: config.version,
    featureNames: names,
  };
  const store = new FilesystemModelStore(dir);
  await store.save(artifact);
  await store.promote(BENCH_MODEL_VERSION);
  return dir;
}

if (import.meta.filename === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: make-model.mjs DIR');
  await makeBenchModelStore(dir);
  console.log(`promoted ${BENCH_MODEL_VERSION} in ${dir}`);
}
