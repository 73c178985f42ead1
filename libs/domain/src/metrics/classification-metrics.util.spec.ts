import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClassificationMetrics, ScoredPrediction, evaluatePredictions } from './classification-metrics.util';

const scored = (actual: number[], predicted: number[], probability: number[]): ScoredPrediction[] =>
  actual.map((a, i) => ({
    actual: a as 0 | 1,
    predicted: predicted[i] as 0 | 1,
    probability: probability[i] as number,
  }));

// tp = 3 (0, 2, 7), fn = 1 (1), fp = 1 (4), tn = 3 (3, 5, 6). AUC by pair counting: 14.5 of 16 pairs.
const EXAMPLE = scored(
  [1, 1, 1, 0, 0, 0, 0, 1],
  [1, 0, 1, 0, 1, 0, 0, 1],
  [0.9, 0.4, 0.8, 0.3, 0.6, 0.1, 0.4, 0.7],
);
const EXAMPLE_AUC = 14.5 / 16;

describe('evaluatePredictions', () => {
  it('computes every metric of a small worked example', () => {
    const expected: ClassificationMetrics = {
      n: 8,
      positives: 4,
      positiveRate: 0.5,
      confusion: { tp: 3, fp: 1, tn: 3, fn: 1 },
      accuracy: 0.75,
      balancedAccuracy: 0.75,
      precision: 0.75,
      recall: 0.75,
      specificity: 0.75,
      f1: 0.75,
      mcc: 0.5,
      rocAuc: EXAMPLE_AUC,
      majorityClass: 0,
      majorityBaselineAccuracy: 0.5,
    };
    assert.deepEqual(evaluatePredictions(EXAMPLE), expected);
  });

  const degenerate: ReadonlyArray<{
    name: string;
    input: ScoredPrediction[];
    expected: Partial<ClassificationMetrics>;
  }> = [
    {
      name: 'no predictions at all',
      input: [],
      expected: {
        n: 0,
        positiveRate: null,
        accuracy: null,
        balancedAccuracy: null,
        precision: null,
        recall: null,
        f1: null,
        mcc: null,
        rocAuc: null,
        majorityClass: null,
        majorityBaselineAccuracy: null,
      },
    },
    {
      name: 'only positives, all found',
      input: scored([1, 1], [1, 1], [0.9, 0.8]),
      expected: {
        accuracy: 1,
        precision: 1,
        recall: 1,
        specificity: null,
        balancedAccuracy: null,
        f1: 1,
        mcc: null,
        rocAuc: null,
        majorityClass: 1,
      },
    },
    {
      name: 'only negatives, none flagged',
      input: scored([0, 0, 0], [0, 0, 0], [0.1, 0.2, 0.3]),
      expected: {
        accuracy: 1,
        precision: null,
        recall: null,
        specificity: 1,
        f1: null,
        mcc: null,
        rocAuc: null,
        majorityBaselineAccuracy: 1,
      },
    },
    {
      name: 'positives present but none predicted',
      input: scored([1, 0, 0], [0, 0, 0], [0.5, 0.5, 0.5]),
      expected: {
        precision: null,
        recall: 0,
        f1: 0,
        mcc: null,
        rocAuc: 0.5,
        majorityClass: 0,
        majorityBaselineAccuracy: 2 / 3,
      },
    },
    {
      name: 'a perfectly inverted ranking',
      input: scored([1, 0], [0, 1], [0.1, 0.9]),
      expected: { accuracy: 0, mcc: -1, rocAuc: 0, balancedAccuracy: 0 },
    },
  ];

  for (const { name, input, expected } of degenerate) {
    it(`reports null rather than NaN for ${name}`, () => {
      const report = evaluatePredictions(input);
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(report[key as keyof ClassificationMetrics], value, key);
      }
      for (const value of Object.values(report)) assert.ok(!Number.isNaN(value), 'no metric may be NaN');
    });
  }

  it('counts tied scores across classes as half a correct ordering', () => {
    const allTied = scored([1, 0, 1, 0], [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5]);
    assert.equal(evaluatePredictions(allTied).rocAuc, 0.5);
  });

  it('refuses a NaN probability', () => {
    assert.throws(() => evaluatePredictions(scored([1], [1], [Number.NaN])), RangeError);
  });
});
