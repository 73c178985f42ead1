import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balancedClassWeights } from './class-weights';

describe('balancedClassWeights', () => {
  it('weights a class that is four times rarer four times more, each class summing to half the rows', () => {
    const labels = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    const weights = balancedClassWeights(labels);
    assert.equal(weights.positive / weights.negative, 4);
    assert.equal(2 * weights.positive, labels.length / 2);
    assert.equal(8 * weights.negative, labels.length / 2);
  });

  it('leaves weights at 1 when one class is absent', () => {
    assert.deepEqual(balancedClassWeights([0, 0, 0]), { negative: 1, positive: 1 });
  });
});
