import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DriftRule, type DriftState, NOT_DRIFTING, stepDrift } from './drift-rule.util';

const RULE: DriftRule = { minWindowN: 10, consecutive: 2 };
const BELOW = { n: 50, mcc: -0.2, baselineMcc: 0 };
const ABOVE = { n: 50, mcc: 0.3, baselineMcc: 0 };

function run(observations: readonly Parameters<typeof stepDrift>[1][]): DriftState {
  return observations.reduce((state, o) => stepDrift(state, o, RULE), NOT_DRIFTING);
}

describe('stepDrift', () => {
  it('raises the alert only after the configured number of evaluations below the baseline in a row', () => {
    assert.equal(run([BELOW]).drifting, false);
    assert.equal(run([BELOW, BELOW]).drifting, true);
    assert.equal(run([BELOW, ABOVE, BELOW]).drifting, false);
  });

  it('clears the alert at the first evaluation that is not below', () => {
    assert.deepEqual(run([BELOW, BELOW, ABOVE]), NOT_DRIFTING);
  });

  it('does not judge a window smaller than the minimum, keeping the previous state', () => {
    const drifting = run([BELOW, BELOW]);
    assert.deepEqual(stepDrift(drifting, { n: 3, mcc: 0.9, baselineMcc: 0 }, RULE), drifting);
  });

  it('treats an undefined MCC (one predicted class) as equal to the baseline', () => {
    assert.equal(run([BELOW, { n: 50, mcc: null, baselineMcc: 0 }]).below, 0);
  });

  it('refuses a rule whose consecutive count is not a positive integer', () => {
    assert.throws(() => stepDrift(NOT_DRIFTING, BELOW, { minWindowN: 1, consecutive: 0 }), RangeError);
  });
});
