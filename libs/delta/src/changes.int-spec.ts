import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';

import { CHANGE_COLUMNS, ENABLE_CHANGE_DATA_FEED } from './changes.js';
import { DeltaTable } from './delta-table.js';
import { InvalidArgumentError } from './errors.js';
import { range, sortedIds, tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const BATCH = 10;

describe('DeltaTable.changes', () => {
  const dir = tempDir();
  after(dir.cleanup);

  it('returns the rows appended by the commits after a version, tagged with their commit version', async () => {
    const table = await DeltaTable.create(join(dir.path, 'cdf'), TICK_SCHEMA, {
      properties: { [ENABLE_CHANGE_DATA_FEED]: 'true' },
    });
    await table.append(ticks(BATCH, 0));
    await table.append(ticks(BATCH, BATCH));
    await table.append(ticks(BATCH, 2 * BATCH));
    const changes = await table.changes({ afterVersion: 1 });
    assert.deepEqual(sortedIds(changes), range(BATCH, 3 * BATCH));
    const versions = changes.getChild(CHANGE_COLUMNS.commitVersion)!.toArray() as ArrayLike<bigint | number>;
    const byVersion = new Map<number, number>();
    for (const v of Array.from(versions, Number)) byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
    assert.deepEqual([...byVersion.entries()].sort(), [
      [2, BATCH],
      [3, BATCH],
    ]);
    const types = new Set(changes.getChild(CHANGE_COLUMNS.changeType)!.toArray() as string[]);
    assert.deepEqual([...types], ['insert']);
  });

  it('bounds the range above by toVersion', async () => {
    const table = await DeltaTable.create(join(dir.path, 'bounded'), TICK_SCHEMA, {
      properties: { [ENABLE_CHANGE_DATA_FEED]: 'true' },
    });
    await table.append(ticks(BATCH, 0));
    await table.append(ticks(BATCH, BATCH));
    assert.deepEqual(sortedIds(await table.changes({ afterVersion: 0, toVersion: 1 })), range(0, BATCH));
  });

  it('records deletes and updates as change rows', async () => {
    const table = await DeltaTable.create(join(dir.path, 'dml'), TICK_SCHEMA, {
      properties: { [ENABLE_CHANGE_DATA_FEED]: 'true' },
    });
    await table.append(ticks(BATCH));
    await table.delete('id = 0');
    const changes = await table.changes({ afterVersion: 1 });
    const row = changes.get(0);
    assert.equal(changes.numRows, 1);
    assert.equal(row?.[CHANGE_COLUMNS.changeType], 'delete');
  });

  it('reads appends for a live handle that fell behind as a pinned handle (the CDF scan) reads them', async () => {
    const uri = join(dir.path, 'tail');
    const writer = await DeltaTable.create(uri, TICK_SCHEMA, {
      properties: { [ENABLE_CHANGE_DATA_FEED]: 'true' },
    });
    await writer.append(ticks(BATCH, 0));
    const reader = await DeltaTable.open(uri);
    for (let i = 1; i <= 5; i++) await writer.append(ticks(BATCH, i * BATCH));
    await writer.optimize();
    await writer.append(ticks(BATCH, 6 * BATCH));
    const latest = await writer.latestVersion();
    assert.equal(await reader.latestVersion(), latest, 'a live handle finds commits it did not load');
    const pinned = await DeltaTable.open(uri, { version: latest });
    const ranges: [number, number][] = [
      [3, 5],
      [5, latest - 1],
      [1, latest],
    ];
    for (const [afterVersion, toVersion] of ranges) {
      const live = await reader.changes({ afterVersion, toVersion });
      const scanned = await pinned.changes({ afterVersion, toVersion });
      assert.deepEqual(live.schema.fields.map(String), scanned.schema.fields.map(String));
      assert.deepEqual(sortedIds(live), sortedIds(scanned), `(${afterVersion}, ${toVersion}]`);
    }
    assert.equal(
      (await reader.changes({ afterVersion: latest - 2, toVersion: latest - 1 })).numRows,
      0,
      'a compaction',
    );
  });

  it('rejects an empty or future range', async () => {
    const table = await DeltaTable.create(join(dir.path, 'ranges'), TICK_SCHEMA, {
      properties: { [ENABLE_CHANGE_DATA_FEED]: 'true' },
    });
    await table.append(ticks(BATCH));
    await assert.rejects(table.changes({ afterVersion: 1 }), InvalidArgumentError);
    await assert.rejects(table.changes({ afterVersion: 0, toVersion: 5 }), InvalidArgumentError);
  });
});
