import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelArtifact } from '../artifact/model-artifact';
import { isModelError } from '../errors/model-error';
import { WindowPredictor } from '../inference/window-predictor';
import { InMemoryModelStore } from '../store/in-memory-model-store';
import { createUntrainedArtifact } from '../testing/untrained-artifact';
import { PredictorFactory, ServingModel, loadServingModel } from './serving-model';

const SHAPE = { timesteps: 4, features: 3 };
const SIZE = SHAPE.timesteps * SHAPE.features;
const CHECK_EVERY_BATCH = { pointerCheckIntervalMs: 0 };
const BATCH_ROWS = 64;

/** Scores every window with a number that identifies the model version, after yielding to the event loop. */
function versionTaggedFactory(tags: Record<string, number>, disposed: string[]): PredictorFactory {
  return (artifact: ModelArtifact) => {
    const version = artifact.manifest.version;
    const predictor: WindowPredictor = {
      runtime: 'tfjs',
      predict: async (_windows, n) => {
        await new Promise((resolve) => setImmediate(resolve));
        return new Float32Array(n).fill(tags[version] ?? Number.NaN);
      },
      dispose: () => disposed.push(version),
    };
    return Promise.resolve(predictor);
  };
}

async function storeWith(...versions: string[]): Promise<InMemoryModelStore> {
  const store = new InMemoryModelStore();
  for (const version of versions) await store.save(await createUntrainedArtifact({ version, ...SHAPE }));
  return store;
}

describe('ServingModel', () => {
  it('refuses to start without a promoted version, with NO_PROMOTED_MODEL', async () => {
    const store = await storeWith('v1');
    await assert.rejects(loadServingModel(store), (error) => isModelError(error, 'NO_PROMOTED_MODEL'));
  });

  it('refuses to start when the promoted version cannot be loaded, with its code', async () => {
    const store = await storeWith('v1');
    await store.promote('v1');
    const corrupt = await createUntrainedArtifact({ version: 'v2', ...SHAPE });
    await store.save({ ...corrupt, network: { ...corrupt.network, weights: new Uint8Array(3) } });
    await store.promote('v2');
    await assert.rejects(loadServingModel(store), (error) => isModelError(error, 'MODEL_CORRUPT'));
  });

  it('scores a batch with the real TF.js model and stamps version, backend and threshold on it', async () => {
    const store = await storeWith('v1');
    await store.promote('v1');
    const model = await loadServingModel(store, { runtime: 'tfjs' });
    const batch = await model.predictBatch(
      new Float32Array(3 * SIZE).fill(0.1),
      3,
      SHAPE.timesteps,
      SHAPE.features,
    );
    assert.ok(batch.ok);
    assert.equal(batch.modelVersion, 'v1');
    assert.equal(batch.backend, model.backend.label);
    assert.equal(model.backendLabel, model.backend.label);
    assert.equal(batch.threshold, 0.5);
    assert.equal(batch.probabilities.length, 3);
    for (const p of batch.probabilities) assert.ok(p > 0 && p < 1);
    model.dispose();
  });

  it('serves through onnxruntime on a CPU backend by default, saying so in the backend label', async () => {
    const store = await storeWith('v1');
    await store.promote('v1');
    const onnx = await loadServingModel(store);
    const tfjs = await loadServingModel(store, { runtime: 'tfjs' });
    const windows = Float32Array.from({ length: 5 * SIZE }, (_, i) => Math.sin(i));
    const viaOnnx = await onnx.predictBatch(windows, 5, SHAPE.timesteps, SHAPE.features);
    const viaTfjs = await tfjs.predictBatch(windows, 5, SHAPE.timesteps, SHAPE.features);
    assert.equal(viaOnnx.backend, `${onnx.backend.label}+onnxruntime`);
    assert.ok(viaOnnx.ok && viaTfjs.ok);
    viaOnnx.probabilities.forEach((p, i) => assert.ok(Math.abs(p - viaTfjs.probabilities[i]!) < 1e-5));
    onnx.dispose();
    tfjs.dispose();
  });

  it('answers a wrong shape with an error result, not an exception', async () => {
    const store = await storeWith('v1');
    await store.promote('v1');
    const model = await loadServingModel(store);
    const batch = await model.predictBatch(new Float32Array(10), 1, 5, 2);
    assert.equal(batch.ok, false);
    assert.equal(!batch.ok && batch.code, 'SHAPE_MISMATCH');
    model.dispose();
  });

  it('switches to a newly promoted version at the next batch boundary and disposes the old one', async () => {
    const store = await storeWith('v1', 'v2');
    await store.promote('v1');
    const disposed: string[] = [];
    const model = await ServingModel.load(store, {
      ...CHECK_EVERY_BATCH,
      predictorFactory: versionTaggedFactory({ v1: 0.1, v2: 0.2 }, disposed),
    });
    const windows = new Float32Array(BATCH_ROWS * SIZE);
    const first = await model.predictBatch(windows, BATCH_ROWS, SHAPE.timesteps, SHAPE.features);
    await store.promote('v2');
    const second = await model.predictBatch(windows, BATCH_ROWS, SHAPE.timesteps, SHAPE.features);
    assert.equal(first.modelVersion, 'v1');
    assert.equal(second.modelVersion, 'v2');
    assert.deepEqual(disposed, ['v1']);
  });

  it('never serves one batch half by each version while promotions race the batches', async () => {
    const store = await storeWith('v1', 'v2');
    await store.promote('v1');
    const tags = { v1: 0.1, v2: 0.2 };
    const model = await ServingModel.load(store, {
      ...CHECK_EVERY_BATCH,
      predictorFactory: versionTaggedFactory(tags, []),
    });
    const windows = new Float32Array(BATCH_ROWS * SIZE);
    const ROUNDS = 20;
    const batches = [];
    const nextTurn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));
    for (let round = 0; round < ROUNDS; round += 1) {
      // A batch is in flight when the pointer moves; another starts a turn later, before the first has finished.
      batches.push(model.predictBatch(windows, BATCH_ROWS, SHAPE.timesteps, SHAPE.features));
      await store.promote(round % 2 === 0 ? 'v2' : 'v1');
      await nextTurn();
      batches.push(model.predictBatch(windows, BATCH_ROWS, SHAPE.timesteps, SHAPE.features));
    }
    const served = await Promise.all(batches);
    const versionsSeen = new Set<string>();
    for (const batch of served) {
      assert.ok(batch.ok);
      const expected = Math.fround(tags[batch.modelVersion as keyof typeof tags]);
      assert.ok(
        batch.probabilities.every((p) => p === expected),
        `batch stamped ${batch.modelVersion} holds scores of another version`,
      );
      versionsSeen.add(batch.modelVersion);
    }
    assert.deepEqual([...versionsSeen].sort(), ['v1', 'v2']);
  });

  it('keeps serving the current version when the newly promoted one is corrupt, and says why', async () => {
    const store = await storeWith('v1');
    await store.promote('v1');
    const model = await ServingModel.load(store, CHECK_EVERY_BATCH);
    const corrupt = await createUntrainedArtifact({ version: 'v2', ...SHAPE });
    await store.save({ ...corrupt, network: { ...corrupt.network, weights: new Uint8Array(3) } });
    await store.promote('v2');
    const batch = await model.predictBatch(new Float32Array(SIZE), 1, SHAPE.timesteps, SHAPE.features);
    assert.equal(batch.modelVersion, 'v1');
    assert.equal(model.lastSwapError?.code, 'MODEL_CORRUPT');
    model.dispose();
  });
});
