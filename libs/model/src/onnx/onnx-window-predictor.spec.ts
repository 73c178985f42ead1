import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend/tfjs-backend';
import { buildGruNetwork } from '../network/gru-network';
import { tf } from '../tf';
import { buildGruOnnxModel, gruWeightsOf } from './gru-onnx.export';
import { OnnxWindowPredictor } from './onnx-window-predictor';
import { DEFAULT_FEATURE_CONFIG } from '@lakehouse/domain';
import { deserializeNetwork } from '../artifact/network.codec';
import { InMemoryTrainingDataSource } from '../dataset/in-memory-training-data-source';
import { InMemoryModelStore } from '../store/in-memory-model-store';
import { syntheticSilverTicks } from '../testing/synthetic-silver-ticks';
import { trainModel } from '../training/train-model';

const TOLERANCE = 1e-5;
const ROWS = 257;
const SHAPES = [
  { timesteps: 6, features: 5, units: 8, seed: 1 },
  { timesteps: 30, features: 20, units: 64, seed: 2 },
];

/**
 * Standard deviation of the random weights: about twice the Glorot scale of a 64-unit GRU, biases included (default
 * zero biases would hide a bias mix-up). Much larger weights drive a 30-step GRU into a chaotic regime where float32
 * rounding alone moves outputs by more than 1e-5 — TF.js's own wasm and cpu backends then disagree by 1e-4.
 */
const WEIGHT_STD = 0.25;

function randomizeWeights(model: tf.LayersModel, seed: number): void {
  model.setWeights(
    model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, WEIGHT_STD, 'float32', seed * 100 + i)),
  );
}

async function worstDifference(model: tf.LayersModel, windows: Float32Array, rows: number): Promise<number> {
  const [, timesteps, features] = model.inputs[0]!.shape as number[];
  const input = tf.tensor3d(windows, [rows, timesteps!, features!]);
  const expected = (model.predict(input, { batchSize: rows }) as tf.Tensor).dataSync();
  input.dispose();
  const predictor = await OnnxWindowPredictor.create(
    buildGruOnnxModel(gruWeightsOf(model)),
    timesteps!,
    features!,
  );
  const actual = await predictor.predict(windows, rows);
  predictor.dispose();
  assert.equal(actual.length, rows);
  let worst = 0;
  for (let i = 0; i < rows; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

describe('ONNX export of the GRU network', () => {
  before(() => initBackend());

  it(`serves a trained model's weights to within ${TOLERANCE} of TF.js`, async () => {
    const store = new InMemoryModelStore();
    const ticks = syntheticSilverTicks({ symbol: 'AAA', count: 400, seed: 4 });
    await trainModel(
      { dataSource: new InMemoryTrainingDataSource(ticks), store },
      {
        symbols: ['AAA'],
        from: '2023-01-01T00:00:00Z',
        to: '2024-01-01T00:00:00Z',
        features: { ...DEFAULT_FEATURE_CONFIG, returnWindows: [5], sequenceLength: 10 },
        label: {
          version: 'test',
          horizon: { kind: 'ticks', ticks: 3 },
          threshold: { kind: 'sigma', k: 1.5, window: 10 },
        },
        units: 8,
        maxEpochs: 2,
        bootstrapResamples: 10,
        version: 'trained',
      },
    );
    const model = await deserializeNetwork((await store.load('trained')).network);
    const [, timesteps, features] = model.inputs[0]!.shape as number[];
    const windows = tf
      .randomNormal([ROWS, timesteps!, features!], 0, 1, 'float32', 5)
      .dataSync() as Float32Array;
    const worst = await worstDifference(model, windows, ROWS);
    assert.ok(worst <= TOLERANCE, `largest difference ${worst}`);
    model.dispose();
  });

  for (const shape of SHAPES) {
    it(`gives the TF.js probabilities to within ${TOLERANCE} for ${shape.timesteps}×${shape.features} windows, GRU(${shape.units})`, async () => {
      const model = buildGruNetwork({ ...shape, dropout: 0 });
      randomizeWeights(model, shape.seed);
      const input = tf.randomNormal([ROWS, shape.timesteps, shape.features], 0, 1, 'float32', shape.seed);
      const expected = (model.predict(input, { batchSize: ROWS }) as tf.Tensor).dataSync();
      const windows = input.dataSync() as Float32Array;
      const predictor = await OnnxWindowPredictor.create(
        buildGruOnnxModel(gruWeightsOf(model)),
        shape.timesteps,
        shape.features,
      );
      const actual = await predictor.predict(windows, ROWS);
      predictor.dispose();
      assert.equal(actual.length, ROWS);
      let worst = 0;
      for (let i = 0; i < ROWS; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
      assert.ok(worst <= TOLERANCE, `largest difference ${worst}`);
      const spread = Math.max(...expected) - Math.min(...expected);
      assert.ok(
        spread > 0.1,
        `the probabilities must vary for the comparison to mean anything (spread ${spread})`,
      );
      tf.dispose([input]);
      model.dispose();
    });
  }
});
