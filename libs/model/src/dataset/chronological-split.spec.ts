import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { chronologicalSplit } from './chronological-split';

const ROWS = 100;
const HORIZON = 5n;

/** Row i happens at time i (shuffled order in the arrays) and its label is known at i + HORIZON. */
function rows(order: number[]): { times: BigInt64Array; ends: BigInt64Array } {
  return {
    times: BigInt64Array.from(order, (t) => BigInt(t)),
    ends: BigInt64Array.from(order, (t) => BigInt(t) + HORIZON),
  };
}

describe('chronologicalSplit', () => {
  const order = Array.from({ length: ROWS }, (_, i) => (i * 37) % ROWS);
  const { times, ends } = rows(order);
  const split = chronologicalSplit(times, ends, { train: 0.6, validation: 0.2 });
  const timesOf = (indexes: Int32Array): bigint[] => Array.from(indexes, (i) => times[i]!);

  it('puts every train row before every validation row and every validation row before every test row', () => {
    const maxOf = (xs: bigint[]): bigint => xs.reduce((a, b) => (a > b ? a : b));
    const minOf = (xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));
    assert.ok(maxOf(timesOf(split.train)) < minOf(timesOf(split.validation)));
    assert.ok(maxOf(timesOf(split.validation)) < minOf(timesOf(split.test)));
  });

  it('leaves a gap of at least the label horizon: no train label is realized after validation starts', () => {
    for (const i of split.train) assert.ok(ends[i]! < split.validationFromUs);
    for (const i of split.validation) assert.ok(ends[i]! < split.testFromUs);
    assert.equal(split.purged, 2 * Number(HORIZON));
  });

  it('keeps each split in event-time order whatever the input order', () => {
    for (const part of [split.train, split.validation, split.test]) {
      const t = timesOf(part);
      assert.deepEqual(
        t,
        [...t].sort((a, b) => (a < b ? -1 : 1)),
      );
    }
  });

  it('cuts at the requested shares of the rows', () => {
    assert.equal(split.validationFromUs, 60n);
    assert.equal(split.testFromUs, 80n);
    assert.equal(split.test.length, 20);
  });

  it('refuses fractions that leave no test split', () => {
    assert.throws(
      () => chronologicalSplit(times, ends, { train: 0.8, validation: 0.2 }),
      (error) => isModelError(error, 'INVALID_ARGUMENT'),
    );
  });
});
