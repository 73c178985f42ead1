import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureConfig, LabelDefinition } from '@lakehouse/domain';
import { InMemoryTrainingDataSource } from '../dataset/in-memory-training-data-source';
import { isModelError } from '../errors/model-error';
import { InMemoryModelStore } from '../store/in-memory-model-store';
import { syntheticSilverTicks } from '../testing/synthetic-silver-ticks';
import { loadServingModel } from '../serving/serving-model';
import { TrainOptions } from './train-options';
import { trainModel } from './train-model';

const FEATURES: FeatureConfig = {
  version: 'test-features',
  returnLags: 2,
  returnWindows: [3],
  volumeWindow: 3,
  sequenceLength: 5,
  allowedLatenessUs: 0n,
};
const LABEL: LabelDefinition = {
  version: 'test-label',
  horizon: { kind: 'ticks', ticks: 3 },
  threshold: { kind: 'sigma', k: 1.5, window: 10 },
};
const TICKS_PER_SYMBOL = 400;
const SPACING_US = 1_000_000n;
const START_US = 1_700_000_000_000_000n;
const ALL_TIME = { from: '2023-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' };
/** Small enough for two CI cores: a 4-unit GRU, two epochs, a few bootstrap resamples. */
const TINY: TrainOptions = {
  symbols: ['AAA', 'BBB'],
  ...ALL_TIME,
  features: FEATURES,
  label: LABEL,
  units: 4,
  maxEpochs: 2,
  batchSize: 64,
  bootstrapResamples: 20,
  version: 'tiny-1',
};
const FIXED_NOW = new Date('2026-01-02T03:04:05Z');

function source(): InMemoryTrainingDataSource {
  const ticks = ['AAA', 'BBB'].flatMap((symbol, i) =>
    syntheticSilverTicks({
      symbol,
      count: TICKS_PER_SYMBOL,
      seed: 10 + i,
      startUs: START_US,
      spacingUs: SPACING_US,
    }),
  );
  const dataSource = new InMemoryTrainingDataSource(ticks.slice(0, 10));
  dataSource.append(ticks.slice(10));
  return dataSource;
}

describe('trainModel', () => {
  it('registers a versioned artifact that records its data, label, statistics, threshold and evaluation', async () => {
    const store = new InMemoryModelStore();
    const result = await trainModel({ dataSource: source(), store, now: () => FIXED_NOW }, TINY);
    const { manifest, evaluation } = await store.load('tiny-1');
    assert.equal(manifest.training.silverTableVersion, 1);
    assert.deepEqual(manifest.training.symbols, ['AAA', 'BBB']);
    assert.equal(manifest.label.version, 'test-label');
    assert.equal(manifest.features.version, 'test-features');
    assert.equal(manifest.normalization.mean.length, manifest.network.features);
    assert.ok(manifest.threshold > 0 && manifest.threshold < 1);
    assert.equal(manifest.createdAt, FIXED_NOW.toISOString());
    assert.equal(evaluation.n, manifest.training.samples.test);
    assert.deepEqual(
      evaluation.baselines.map((b) => b.name),
      ['majority', 'persistence', 'logistic'],
    );
    assert.match(result.reportMarkdown, /^\| gru \|/m);
    assert.equal(result.promoted, false);
    assert.equal(await store.promotedVersion(), null);
  });

  it('reads only the table version it pins: version 0 holds too few ticks to train on', async () => {
    const store = new InMemoryModelStore();
    const dataSource = source();
    await assert.rejects(trainModel({ dataSource, store }, { ...TINY, tableVersion: 0 }), (error) =>
      isModelError(error, 'INSUFFICIENT_DATA'),
    );
  });

  it('promotes the new version when asked, and the serving path loads it', async () => {
    const store = new InMemoryModelStore();
    await trainModel({ dataSource: source(), store }, { ...TINY, version: 'tiny-2', promote: true });
    assert.equal(await store.promotedVersion(), 'tiny-2');
    const serving = await loadServingModel(store);
    const { timesteps, features } = serving.manifest.network;
    const batch = await serving.predictBatch(new Float32Array(timesteps * features), 1, timesteps, features);
    assert.ok(batch.ok);
    assert.equal(batch.threshold, serving.manifest.threshold);
    serving.dispose();
  });

  it('refuses a range with no data with INSUFFICIENT_DATA', async () => {
    await assert.rejects(
      trainModel(
        { dataSource: source(), store: new InMemoryModelStore() },
        { ...TINY, from: '2000-01-01T00:00:00Z', to: '2000-02-01T00:00:00Z' },
      ),
      (error) => isModelError(error, 'INSUFFICIENT_DATA'),
    );
  });
});
