import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseThreshold } from './threshold-selection';

describe('chooseThreshold', () => {
  it('picks a threshold that separates perfectly separable scores', () => {
    const probabilities = [0.1, 0.2, 0.3, 0.35, 0.6, 0.7];
    const labels = [0, 0, 0, 0, 1, 1];
    const threshold = chooseThreshold(probabilities, labels);
    assert.ok(threshold > 0.35 && threshold <= 0.6, `threshold ${threshold}`);
  });

  it('adapts to a model whose scores all sit below 0.5', () => {
    const probabilities = [0.01, 0.02, 0.03, 0.2, 0.22];
    const labels = [0, 0, 0, 1, 1];
    assert.equal(chooseThreshold(probabilities, labels), 0.2);
  });

  it('falls back to 0.5 when validation has no positive', () => {
    assert.equal(chooseThreshold([0.1, 0.9], [0, 0]), 0.5);
  });
});
