import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { parseTrainArgs } from './train-args';

describe('parseTrainArgs', () => {
  it('reads symbols, range, pinned version and hyperparameters', () => {
    const command = parseTrainArgs([
      '--symbols',
      'SPX, IXIC',
      '--from',
      '1999-01-01',
      '--to',
      '2019-01-01',
      '--table-version',
      '7',
      '--epochs',
      '3',
      '--promote',
    ]);
    assert.deepEqual(command.options.symbols, ['SPX', 'IXIC']);
    assert.equal(command.options.tableVersion, 7);
    assert.equal(command.options.maxEpochs, 3);
    assert.equal(command.options.promote, true);
    assert.equal(command.inWorker, false);
  });

  it('requires symbols and a range', () => {
    assert.throws(
      () => parseTrainArgs(['--symbols', 'SPX']),
      (error) => isModelError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('rejects a number that is not one', () => {
    assert.throws(
      () => parseTrainArgs(['--symbols', 'SPX', '--from', 'a', '--to', 'b', '--epochs', 'many']),
      (error) => isModelError(error, 'INVALID_ARGUMENT'),
    );
  });
});
