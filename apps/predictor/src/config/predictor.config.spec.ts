import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@lakehouse/platform';
import { modelStoreDir, predictorConfigSchema } from './predictor.config';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('predictor config', () => {
  it('puts the model store beside a local lake when only LAKE_ROOT is set', () => {
    const config = loadConfig(predictorConfigSchema, { ...BASE, LAKE_ROOT: '/data/lake/' });
    assert.equal(modelStoreDir(config), '/data/models');
    assert.deepEqual([config.TF_BACKEND, config.MODEL_RUNTIME, config.ONNX_THREADS], ['auto', 'auto', 1]);
  });

  it('prefers MODEL_STORE_DIR', () => {
    const config = loadConfig(predictorConfigSchema, {
      ...BASE,
      LAKE_ROOT: 's3://bucket/lake',
      MODEL_STORE_DIR: '/models',
    });
    assert.equal(modelStoreDir(config), '/models');
  });

  it('refuses to start without a store, or with only an object-store lake, naming the key', () => {
    for (const env of [BASE, { ...BASE, LAKE_ROOT: 's3://bucket/lake' }]) {
      assert.throws(
        () => loadConfig(predictorConfigSchema, env),
        (error: unknown) => error instanceof ConfigError && /MODEL_STORE_DIR/.test(error.message),
      );
    }
  });

  it('refuses an unknown TF_BACKEND or MODEL_RUNTIME', () => {
    assert.throws(
      () =>
        loadConfig(predictorConfigSchema, {
          ...BASE,
          MODEL_STORE_DIR: '/m',
          TF_BACKEND: 'cuda',
          MODEL_RUNTIME: 'torch',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /TF_BACKEND/.test(error.message) &&
        /MODEL_RUNTIME/.test(error.message),
    );
  });
});
