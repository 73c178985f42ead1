import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveBackend } from '../backend/backend-chain';
import { isModelError } from '../errors/model-error';
import { choosePredictorFactory, parseServingRuntime, tfjsPredictorFactory } from './serving-model';

function backendOn(device: 'gpu' | 'cpu'): ActiveBackend {
  const name = device === 'gpu' ? 'tfjs-node-gpu' : 'wasm';
  return { name, device, label: name, requested: 'auto', detail: '', skipped: [] };
}

describe('choosePredictorFactory', () => {
  it('keeps TF.js serving when its backend runs on a GPU', () => {
    assert.equal(choosePredictorFactory('auto', backendOn('gpu')), tfjsPredictorFactory);
  });

  it('hands a CPU backend to onnxruntime when it loads', () => {
    assert.notEqual(choosePredictorFactory('auto', backendOn('cpu')), tfjsPredictorFactory);
  });

  it('serves with TF.js when asked to, whatever the device', () => {
    assert.equal(choosePredictorFactory('tfjs', backendOn('cpu')), tfjsPredictorFactory);
  });
});

describe('parseServingRuntime', () => {
  it('reads unset as auto and names in any case', () => {
    assert.equal(parseServingRuntime(undefined), 'auto');
    assert.equal(parseServingRuntime(' ONNX '), 'onnx');
  });

  it('rejects an unknown runtime with INVALID_ARGUMENT', () => {
    assert.throws(
      () => parseServingRuntime('tensorrt'),
      (error) => isModelError(error, 'INVALID_ARGUMENT'),
    );
  });
});
