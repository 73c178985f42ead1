import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  const cases: [unknown, number][] = [
    ['250m', 0.25],
    ['1', 1],
    [2, 2],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1G', 1e9],
    ['100k', 1e5],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => assert.equal(parseQuantity(input), expected));
  }
  it('returns NaN for what is not a quantity', () => {
    for (const input of ['', 'lots', '1Zi', '-1', undefined, null])
      assert.ok(Number.isNaN(parseQuantity(input)));
  });
});
