import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { DeltaTable } from './delta-table.js';

const ROWS = tableFromArrays({ x: Int32Array.from([1, 2]) });
const APP = 'ingestor:ticks.raw:0';

describe('commits based on an explicit read version', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'read-version-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fail with COMMIT_CONFLICT when another writer recorded the same app id since that version', async () => {
    const uri = join(dir, 'same-app');
    await DeltaTable.create(uri, ROWS.schema);
    const [zombie, owner] = [await DeltaTable.open(uri), await DeltaTable.open(uri)];
    await owner.append(ROWS, { txns: [{ appId: APP, version: 1 }], readVersion: 0 });
    await assert.rejects(zombie.append(ROWS, { txns: [{ appId: APP, version: 1 }], readVersion: 0 }), {
      code: 'COMMIT_CONFLICT',
      kind: 'ConcurrentTransaction',
    });
    assert.equal((await zombie.toArrow()).numRows, ROWS.numRows, 'the refused commit wrote nothing visible');
  });

  it('succeed when the commits since that version touched other app ids', async () => {
    const uri = join(dir, 'other-app');
    await DeltaTable.create(uri, ROWS.schema);
    const [a, b] = [await DeltaTable.open(uri), await DeltaTable.open(uri)];
    await b.append(ROWS, { txns: [{ appId: 'ingestor:ticks.raw:1', version: 5 }], readVersion: 0 });
    const result = await a.append(ROWS, { txns: [{ appId: APP, version: 1 }], readVersion: 0 });
    assert.equal(result.version, 2);
  });

  it('refuse a read version that does not exist, with INVALID_ARGUMENT', async () => {
    const uri = join(dir, 'missing');
    await DeltaTable.create(uri, ROWS.schema);
    const table = await DeltaTable.open(uri);
    await assert.rejects(table.append(ROWS, { readVersion: 7 }), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(table.append(ROWS, { readVersion: -1 }), { code: 'INVALID_ARGUMENT' });
  });
});
