import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalDecimal } from './canonical-decimal.util';

const cases: ReadonlyArray<{ input: number; expected: string }> = [
  { input: 0, expected: '0' },
  { input: -0, expected: '0' },
  { input: 1, expected: '1' },
  { input: 100, expected: '100' },
  { input: 2.5, expected: '2.5' },
  { input: -189.75, expected: '-189.75' },
  { input: 0.1 + 0.2, expected: '0.30000000000000004' },
  { input: 1e21, expected: '1000000000000000000000' },
  { input: 1.2345e22, expected: '12345000000000000000000' },
  { input: 1.5e-7, expected: '0.00000015' },
  { input: -1.23e-18, expected: '-0.00000000000000000123' },
  { input: 5e-324, expected: `0.${'0'.repeat(323)}5` },
  { input: 0.000001, expected: '0.000001' },
];

describe('canonicalDecimal', () => {
  for (const { input, expected } of cases) {
    it(`spells ${String(input)} as ${expected.length > 30 ? `${expected.slice(0, 30)}…` : expected}`, () => {
      assert.equal(canonicalDecimal(input), expected);
    });
  }

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    it(`refuses ${bad}`, () => {
      assert.throws(() => canonicalDecimal(bad), RangeError);
    });
  }

  it('round-trips every finite double and never writes an exponent or a trailing fractional zero', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = canonicalDecimal(x);
        assert.equal(Number(text), x === 0 ? 0 : x);
        assert.doesNotMatch(text, /e|E|\.\d*0$|^-0$|^-?0\d/);
      }),
    );
  });
});
