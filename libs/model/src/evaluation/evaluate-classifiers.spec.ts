import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateClassifiers } from './evaluate-classifiers';
import { renderEvaluationMarkdown } from './evaluation-markdown';

const LABELS = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0];
const PERFECT = LABELS.map((l) => (l === 1 ? 0.9 : 0.1));
const RESAMPLES = 50;

describe('evaluateClassifiers', () => {
  const report = evaluateClassifiers({
    modelVersion: 'v1',
    labelVersion: 'jump-abs-v1',
    labels: LABELS,
    model: { name: 'gru', description: 'perfect', probabilities: PERFECT, threshold: 0.5 },
    baselines: [
      { name: 'majority', description: 'zeros', probabilities: LABELS.map(() => 0), threshold: 0.5 },
    ],
    bootstrapResamples: RESAMPLES,
    bootstrapSeed: 1,
  });

  it('reports n and the positive rate of the test split', () => {
    assert.equal(report.n, LABELS.length);
    assert.equal(report.positives, 3);
    assert.equal(report.positiveRate, 0.3);
  });

  it('scores a perfect model at 1 with a degenerate interval', () => {
    assert.equal(report.model.scores.mcc.value, 1);
    assert.deepEqual(report.model.scores.accuracy.ci95, [1, 1]);
  });

  it('scores the baseline on the same rows, with null where a metric is undefined', () => {
    assert.equal(report.baselines[0]?.scores.accuracy.value, 0.7);
    assert.equal(report.baselines[0]?.scores.precision.value, null);
  });

  it('renders a markdown table with one row per classifier', () => {
    const markdown = renderEvaluationMarkdown(report);
    assert.match(markdown, /n = 10, positives = 3/);
    assert.match(markdown, /^\| gru \| 1\.000 \[1\.000, 1\.000\]/m);
    assert.match(markdown, /^\| majority \| 0\.700/m);
  });
});
