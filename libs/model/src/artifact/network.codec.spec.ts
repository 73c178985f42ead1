import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend/tfjs-backend';
import { isModelError } from '../errors/model-error';
import { buildGruNetwork } from '../network/gru-network';
import { tf } from '../tf';
import { deserializeNetwork, serializeNetwork } from './network.codec';

const SPEC = { timesteps: 5, features: 3, units: 4, dropout: 0, seed: 11 };

describe('serializeNetwork / deserializeNetwork', () => {
  before(() => initBackend());

  it('rebuilds a network that predicts exactly what the original predicted', async () => {
    const original = buildGruNetwork(SPEC);
    const input = tf.randomNormal([6, SPEC.timesteps, SPEC.features], 0, 1, 'float32', 3);
    const before = (original.predict(input) as tf.Tensor).dataSync();
    const restored = await deserializeNetwork(await serializeNetwork(original));
    const after = (restored.predict(input) as tf.Tensor).dataSync();
    assert.deepEqual([...after], [...before]);
    tf.dispose([original, restored, input] as unknown as tf.Tensor[]);
  });

  it('writes a stock TF.js layers-model manifest pointing at weights.bin', async () => {
    const { modelJson, weights } = await serializeNetwork(buildGruNetwork(SPEC));
    assert.equal(modelJson.format, 'layers-model');
    assert.deepEqual(modelJson.weightsManifest[0]?.paths, ['weights.bin']);
    const GRU_PARAMS = 3 * SPEC.units * (SPEC.features + SPEC.units + 1);
    const DENSE_PARAMS = SPEC.units + 1;
    assert.equal(weights.byteLength, (GRU_PARAMS + DENSE_PARAMS) * Float32Array.BYTES_PER_ELEMENT);
  });

  it('refuses truncated weights with MODEL_CORRUPT', async () => {
    const network = await serializeNetwork(buildGruNetwork(SPEC));
    await assert.rejects(
      deserializeNetwork({ ...network, weights: network.weights.subarray(0, network.weights.length - 4) }),
      (error) => isModelError(error, 'MODEL_CORRUPT'),
    );
  });

  it('refuses a topology that is not a model with MODEL_CORRUPT', async () => {
    const network = await serializeNetwork(buildGruNetwork(SPEC));
    const broken = { ...network.modelJson, modelTopology: { class_name: 'NoSuchLayer', config: {} } };
    await assert.rejects(deserializeNetwork({ ...network, modelJson: broken }), (error) =>
      isModelError(error, 'MODEL_CORRUPT'),
    );
  });
});
