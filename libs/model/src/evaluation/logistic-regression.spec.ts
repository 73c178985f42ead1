import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitLogisticRegression, predictLogistic } from './logistic-regression';

describe('fitLogisticRegression', () => {
  it('learns that the second feature, not the first, predicts the label', () => {
    const ROWS = 200;
    const rows = new Float32Array(ROWS * 2);
    const labels: number[] = [];
    for (let i = 0; i < ROWS; i += 1) {
      rows[i * 2] = Math.sin(i);
      rows[i * 2 + 1] = i % 2 === 0 ? 1 : -1;
      labels.push(i % 2 === 0 ? 1 : 0);
    }
    const model = fitLogisticRegression(rows, labels, 2);
    assert.ok(
      model.weights[1]! > 1 && Math.abs(model.weights[0]!) < 0.5,
      `weights ${[...model.weights].join(', ')}`,
    );
    const scored = predictLogistic(model, rows, 2);
    assert.ok(scored[0]! > 0.8 && scored[1]! < 0.2);
  });
});
