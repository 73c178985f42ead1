import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CommitConflictError,
  DELTA_ERROR_CODES,
  DeltaError,
  InternalError,
  InvalidArgumentError,
  ObjectStoreError,
  SchemaMismatchError,
  TableNotFoundError,
  toDeltaError,
  type DeltaErrorCode,
} from './errors.js';

const PREFIX = 'LAKEHOUSE_DELTA_ERROR:';
const CAUSE = 'object store said no';

function nativeError(code: string, extra: Record<string, unknown> = {}): Error {
  return new Error(`${PREFIX}${JSON.stringify({ code, message: `a ${code}`, causes: [CAUSE], ...extra })}`);
}

const EXPECTED_CLASS: Record<DeltaErrorCode, new (...args: never[]) => DeltaError> = {
  TABLE_NOT_FOUND: TableNotFoundError,
  COMMIT_CONFLICT: CommitConflictError,
  SCHEMA_MISMATCH: SchemaMismatchError,
  INVALID_ARGUMENT: InvalidArgumentError,
  OBJECT_STORE: ObjectStoreError,
  INTERNAL: InternalError,
};

describe('toDeltaError', () => {
  for (const code of DELTA_ERROR_CODES) {
    it(`rebuilds a native ${code} as its class, keeping the message, the causes and the native error`, () => {
      const native = nativeError(code, { kind: 'ConcurrentAppend' });
      const error = toDeltaError(native);
      assert.ok(error instanceof EXPECTED_CLASS[code]);
      assert.equal(error.code, code);
      assert.equal(error.message, `a ${code}`);
      assert.deepEqual(error.causes, [CAUSE]);
      assert.equal(error.cause, native);
    });
  }

  it('keeps the conflict kind of a commit conflict', () => {
    const error = toDeltaError(nativeError('COMMIT_CONFLICT', { kind: 'ConcurrentDeleteRead' }));
    assert.ok(error instanceof CommitConflictError);
    assert.equal(error.kind, 'ConcurrentDeleteRead');
  });

  it('treats a schema mismatch as an invalid argument too', () => {
    assert.ok(toDeltaError(nativeError('SCHEMA_MISMATCH')) instanceof InvalidArgumentError);
  });

  it('wraps an unrecognised error as INTERNAL without losing it', () => {
    const foreign = new TypeError('boom');
    const error = toDeltaError(foreign);
    assert.ok(error instanceof InternalError);
    assert.equal(error.message, 'boom');
    assert.equal(error.cause, foreign);
  });

  it('wraps a payload with an unknown code or broken JSON as INTERNAL', () => {
    assert.ok(toDeltaError(nativeError('NOT_A_CODE')) instanceof InternalError);
    assert.ok(toDeltaError(new Error(`${PREFIX}{not json`)) instanceof InternalError);
  });

  it('returns a DeltaError unchanged', () => {
    const error = new TableNotFoundError('x');
    assert.equal(toDeltaError(error), error);
  });
});
