import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBatchShape, findNonFiniteWindows } from './window-validation';

const SHAPE = { timesteps: 3, features: 2 };
const WINDOW_SIZE = SHAPE.timesteps * SHAPE.features;

describe('checkBatchShape', () => {
  it('accepts n windows of the model shape', () => {
    assert.equal(checkBatchShape(new Float32Array(2 * WINDOW_SIZE), 2, 3, 2, SHAPE), null);
  });

  it('accepts an empty batch', () => {
    assert.equal(checkBatchShape(new Float32Array(0), 0, 3, 2, SHAPE), null);
  });

  const cases: Array<[string, number, number, number, number]> = [
    ['a window with too few timesteps', 2 * 2 * 2, 2, 2, 2],
    ['a window with too many features', 2 * 3 * 3, 2, 3, 3],
    ['a buffer shorter than n windows', 2 * WINDOW_SIZE - 1, 2, 3, 2],
    ['a buffer longer than n windows', 3 * WINDOW_SIZE, 2, 3, 2],
    ['a negative count', 0, -1, 3, 2],
    ['a fractional count', WINDOW_SIZE, 1.5, 3, 2],
  ];
  for (const [what, length, n, timesteps, features] of cases) {
    it(`rejects ${what} with SHAPE_MISMATCH`, () => {
      assert.equal(
        checkBatchShape(new Float32Array(length), n, timesteps, features, SHAPE)?.code,
        'SHAPE_MISMATCH',
      );
    });
  }
});

describe('findNonFiniteWindows', () => {
  it('flags exactly the windows holding NaN or an infinity, naming the timestep and feature', () => {
    const windows = new Float32Array(4 * WINDOW_SIZE).fill(0.5);
    const NAN_AT = { row: 1, timestep: 2, feature: 1 };
    windows[NAN_AT.row * WINDOW_SIZE + NAN_AT.timestep * SHAPE.features + NAN_AT.feature] = Number.NaN;
    windows[3 * WINDOW_SIZE] = Number.NEGATIVE_INFINITY;
    const rejects = findNonFiniteWindows(windows, 4, SHAPE);
    assert.deepEqual([...rejects.keys()], [1, 3]);
    assert.equal(rejects.get(1)?.code, 'NON_FINITE_FEATURE');
    assert.match(rejects.get(1)?.reason ?? '', /feature 1 at timestep 2/);
  });

  it('finds nothing in finite windows', () => {
    assert.equal(findNonFiniteWindows(new Float32Array(2 * WINDOW_SIZE), 2, SHAPE).size, 0);
  });
});
