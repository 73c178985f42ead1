import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NormalizationStats } from '@lakehouse/domain';
import { scoreBatch } from './score-batch';
import { WindowPredictor } from './window-predictor';

const SHAPE = { timesteps: 2, features: 2 };
const SIZE = SHAPE.timesteps * SHAPE.features;
const IDENTITY: NormalizationStats = {
  featureVersion: 't',
  featureNames: ['a', 'b'],
  count: 1,
  mean: [0, 0],
  std: [1, 1],
};

/** Scores a window as its first value, and records every call. */
class FirstValuePredictor implements WindowPredictor {
  readonly runtime = 'fake';
  readonly calls: number[] = [];
  predict(windows: Float32Array, n: number): Promise<Float32Array> {
    this.calls.push(n);
    return Promise.resolve(Float32Array.from({ length: n }, (_, i) => windows[i * SIZE]!));
  }
  dispose(): void {}
}

function batchOf(firstValues: number[]): Float32Array {
  const windows = new Float32Array(firstValues.length * SIZE).fill(0);
  firstValues.forEach((v, i) => (windows[i * SIZE] = v));
  return windows;
}

describe('scoreBatch', () => {
  it('scores the whole batch in one predictor call', async () => {
    const predictor = new FirstValuePredictor();
    const result = await scoreBatch(predictor, IDENTITY, SHAPE, batchOf([0.1, 0.2, 0.3]), 3, 2, 2);
    assert.ok(result.ok);
    assert.deepEqual(predictor.calls, [3]);
    assert.deepEqual(
      [...result.probabilities].map((p) => Math.round(p * 10)),
      [1, 2, 3],
    );
  });

  it('rejects a NaN window alone and keeps every other row in its place', async () => {
    const predictor = new FirstValuePredictor();
    const windows = batchOf([0.1, 0.2, 0.3]);
    windows[1 * SIZE + 3] = Number.NaN;
    const result = await scoreBatch(predictor, IDENTITY, SHAPE, windows, 3, 2, 2);
    assert.ok(result.ok);
    assert.deepEqual(predictor.calls, [2]);
    assert.ok(Number.isNaN(result.probabilities[1]));
    assert.equal(Math.round(result.probabilities[2]! * 10), 3);
    assert.equal(result.rejects.get(1)?.code, 'NON_FINITE_FEATURE');
  });

  it('refuses a batch of the wrong shape without calling the predictor', async () => {
    const predictor = new FirstValuePredictor();
    const result = await scoreBatch(predictor, IDENTITY, SHAPE, new Float32Array(9), 1, 3, 3);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reject.code, 'SHAPE_MISMATCH');
    assert.deepEqual(predictor.calls, []);
  });

  it('normalizes with the given statistics before predicting', async () => {
    const stats: NormalizationStats = { ...IDENTITY, mean: [1, 0], std: [2, 1] };
    const result = await scoreBatch(new FirstValuePredictor(), stats, SHAPE, batchOf([5]), 1, 2, 2);
    assert.ok(result.ok);
    assert.equal(result.probabilities[0], (5 - 1) / 2);
  });
});
