import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installNodeUtilShim, shimNodeUtilForTfjsNode } from './node-util.shim';

describe('installNodeUtilShim', () => {
  it('adds isNullOrUndefined when the util module lacks it, with the old semantics', () => {
    const util: Record<string, unknown> = { isArray: Array.isArray };
    const added = installNodeUtilShim(util);
    assert.deepEqual(added, ['isNullOrUndefined']);
    const isNullOrUndefined = util['isNullOrUndefined'] as (v: unknown) => boolean;
    assert.equal(isNullOrUndefined(null), true);
    assert.equal(isNullOrUndefined(undefined), true);
    assert.equal(isNullOrUndefined(0), false);
    assert.equal(isNullOrUndefined(''), false);
  });

  it('adds isArray too when a later Node removes it', () => {
    const util: Record<string, unknown> = {};
    assert.deepEqual(installNodeUtilShim(util).sort(), ['isArray', 'isNullOrUndefined']);
    const isArray = util['isArray'] as (v: unknown) => boolean;
    assert.equal(isArray([1]), true);
    assert.equal(isArray({ length: 1 }), false);
  });

  it('never replaces a function that the runtime still has', () => {
    const original = (): boolean => true;
    const util: Record<string, unknown> = { isNullOrUndefined: original, isArray: original };
    assert.deepEqual(installNodeUtilShim(util), []);
    assert.equal(util['isNullOrUndefined'], original);
  });

  it('makes the util module that tfjs-node requires provide what it calls', () => {
    shimNodeUtilForTfjsNode();
    // tfjs-node's compiled code does `var util_1 = require("util")` and calls `(0, util_1.isNullOrUndefined)(x)`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('util') as Record<string, unknown>;
    const isNullOrUndefined = util['isNullOrUndefined'] as (v: unknown) => boolean;
    assert.equal(typeof isNullOrUndefined, 'function');
    assert.equal(isNullOrUndefined(null), true);
  });
});
