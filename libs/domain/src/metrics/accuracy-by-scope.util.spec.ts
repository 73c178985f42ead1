import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyByScope, type ResolvedPrediction } from './accuracy-by-scope.util';

const MODEL_A = 'gru-a';
const MODEL_B = 'gru-b';

function row(
  modelVersion: string,
  symbol: string,
  predicted: 0 | 1,
  actual: 0 | 1,
  eventTimeUs: bigint,
): ResolvedPrediction {
  return { modelVersion, symbol, predicted, actual, probability: predicted === 1 ? 0.9 : 0.1, eventTimeUs };
}

describe('accuracyByScope', () => {
  const rows = [
    row(MODEL_A, 'SPX', 1, 1, 10n),
    row(MODEL_A, 'SPX', 0, 0, 20n),
    row(MODEL_A, 'SPX', 1, 0, 30n),
    row(MODEL_A, 'DJI', 0, 0, 5n),
    row(MODEL_B, 'SPX', 0, 1, 40n),
  ];

  it('gives one overall row per model version first, then one row per symbol', () => {
    const scopes = accuracyByScope(rows).map((s) => [s.modelVersion, s.symbol, s.n]);
    assert.deepEqual(scopes, [
      [MODEL_A, null, 4],
      [MODEL_A, 'DJI', 1],
      [MODEL_A, 'SPX', 3],
      [MODEL_B, null, 1],
      [MODEL_B, 'SPX', 1],
    ]);
  });

  it('computes the metrics and the majority-class baseline over the same rows', () => {
    const overall = accuracyByScope(rows)[0]!;
    assert.equal(overall.accuracy, 3 / 4);
    assert.equal(overall.positiveRate, 1 / 4);
    assert.equal(overall.majorityClass, 0);
    assert.equal(overall.baselineAccuracy, 3 / 4);
    assert.equal(overall.baselineMcc, 0);
    assert.equal(overall.fromUs, 5n);
    assert.equal(overall.toUs, 30n);
    // tp=1 fp=1 tn=2 fn=0: balanced accuracy = (1 + 2/3) / 2
    assert.equal(overall.balancedAccuracy, (1 + 2 / 3) / 2);
  });

  it('gives nothing for no rows', () => {
    assert.deepEqual(accuracyByScope([]), []);
  });
});
