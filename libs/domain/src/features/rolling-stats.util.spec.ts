import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastN, mean, populationStd } from './rolling-stats.util';

describe('rolling statistics', () => {
  it('computes the mean and the population (not sample) standard deviation', () => {
    assert.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
    assert.equal(populationStd([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  });

  it('stays exact for a window of large, nearly equal values where one-pass sums cancel', () => {
    const BASE = 1e9;
    assert.equal(populationStd([BASE + 1, BASE + 1, BASE + 1]), 0);
  });

  const cases = [
    { n: 2, expected: [3, 4] },
    { n: 10, expected: [1, 2, 3, 4] },
    { n: 0, expected: [] },
  ];
  for (const { n, expected } of cases) {
    it(`keeps the last ${n} items`, () => {
      assert.deepEqual(lastN([1, 2, 3, 4], n), expected);
    });
  }
});
