// Bad input is rejected with INVALID_ARGUMENT (SCHEMA_MISMATCH being a kind of it) and the table is untouched.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';

import { Float64, Int64, Table, vectorFromArray } from 'apache-arrow';

import { toIpc } from './arrow.js';
import { DeltaTable } from './delta-table.js';
import { DeltaError, InvalidArgumentError, ObjectStoreError, SchemaMismatchError } from './errors.js';
import { SqlSession } from './query.js';
import { tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const ROWS = 50;
const COMMITTED_VERSION = 1;
const NO_SUCH_VERSION = 1_000;

describe('bad input', () => {
  const dir = tempDir();
  after(dir.cleanup);
  let n = 0;
  let table: DeltaTable;

  beforeEach(async () => {
    n += 1;
    table = await DeltaTable.create(join(dir.path, `t${n}`), TICK_SCHEMA);
    await table.append(ticks(ROWS));
  });

  const assertUntouched = async (): Promise<void> => {
    assert.equal(await table.latestVersion(), COMMITTED_VERSION);
    assert.equal((await (await DeltaTable.open(table.uri)).toArrow()).numRows, ROWS);
  };

  it('rejects a corrupt IPC buffer', async () => {
    const valid = toIpc(ticks(ROWS));
    await assert.rejects(table.append(valid.subarray(0, valid.length / 2)), InvalidArgumentError);
    await assert.rejects(table.append(Buffer.from('not arrow at all')), InvalidArgumentError);
    await assert.rejects(
      table.merge(Buffer.alloc(3), { predicate: 'true', whenNotMatched: [{ insertAll: true }] }),
      InvalidArgumentError,
    );
    await assertUntouched();
  });

  it('rejects an append whose schema does not match without schema merge', async () => {
    const wrong = new Table({
      id: vectorFromArray([1n], new Int64()),
      unexpected: vectorFromArray([1.5], new Float64()),
    });
    const error = await table.append(wrong).catch((e: unknown) => e);
    assert.ok(error instanceof SchemaMismatchError, String(error));
    assert.ok(error instanceof InvalidArgumentError);
    await assertUntouched();
  });

  it('rejects a version that does not exist', async () => {
    await assert.rejects(table.checkout({ version: NO_SUCH_VERSION }), InvalidArgumentError);
    const session = SqlSession.create();
    await assert.rejects(session.register('t', table, { version: NO_SUCH_VERSION }), InvalidArgumentError);
    await assertUntouched();
  });

  it('rejects invalid SQL and invalid predicates', async () => {
    const session = SqlSession.create();
    await session.register('t', table);
    await assert.rejects(session.sql('SELECT FROM WHERE'), InvalidArgumentError);
    await assert.rejects(table.toArrow({ filter: 'price >>> 3' }), InvalidArgumentError);
    await assert.rejects(table.delete('no_such_column = 1'), InvalidArgumentError);
    await assert.rejects(table.update({ set: { price: 'price +' } }), InvalidArgumentError);
    await assert.rejects(
      table.merge(ticks(1), { predicate: 'target.id = = source.id', whenNotMatched: [{ insertAll: true }] }),
      InvalidArgumentError,
    );
    await assertUntouched();
  });

  it('rejects nonsensical options', async () => {
    await assert.rejects(table.optimize({ kind: 'zorder', zorderColumns: [] }), InvalidArgumentError);
    await assert.rejects(table.append(ticks(1), { txns: [{ appId: '', version: 1 }] }), InvalidArgumentError);
    await assert.rejects(table.delete('  '), InvalidArgumentError);
    await assertUntouched();
  });

  it('reports a data file gone missing under the table as a storage error', async () => {
    const files = await table.files();
    const path = String(files.get(0)?.path);
    rmSync(join(table.uri, path));
    const error = await table.toArrow().catch((e: unknown) => e);
    assert.ok(error instanceof DeltaError, String(error));
    assert.ok(error instanceof ObjectStoreError, `${error.code}: ${String(error)}`);
  });
});
