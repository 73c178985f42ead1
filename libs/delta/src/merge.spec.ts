import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { toNativeMerge } from './merge.js';

const APP_ID = 'refiner';
const APP_VERSION = 3;

describe('toNativeMerge', () => {
  it('turns each clause into a tagged native clause, keeping order and predicates', () => {
    const native = toNativeMerge({
      predicate: 't.id = s.id',
      sourceAlias: 's',
      targetAlias: 't',
      whenMatched: [
        { delete: true, predicate: 's.deleted' },
        { update: { price: 's.price' } },
        { updateAll: true },
      ],
      whenNotMatched: [{ insertAll: true, predicate: 's.price > 0' }, { insert: { id: 's.id' } }],
      whenNotMatchedBySource: [{ update: { stale: 'true' } }, { delete: true }],
      txns: [{ appId: APP_ID, version: APP_VERSION }],
    });
    assert.deepEqual(native.whenMatched, [
      { action: 'delete', predicate: 's.deleted' },
      { action: 'update', predicate: undefined, set: { price: 's.price' } },
      { action: 'updateAll', predicate: undefined },
    ]);
    assert.deepEqual(native.whenNotMatched, [
      { action: 'insertAll', predicate: 's.price > 0' },
      { action: 'insert', predicate: undefined, set: { id: 's.id' } },
    ]);
    assert.deepEqual(native.whenNotMatchedBySource, [
      { action: 'update', predicate: undefined, set: { stale: 'true' } },
      { action: 'delete', predicate: undefined },
    ]);
    assert.deepEqual(native.commit?.txns, [{ appId: APP_ID, version: APP_VERSION }]);
  });

  it('leaves absent clause groups absent', () => {
    const native = toNativeMerge({ predicate: 'true', whenNotMatched: [{ insertAll: true }] });
    assert.equal(native.whenMatched, undefined);
    assert.equal(native.whenNotMatchedBySource, undefined);
  });
});
