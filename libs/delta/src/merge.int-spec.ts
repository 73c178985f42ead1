import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';

import { DeltaTable } from './delta-table.js';
import { InvalidArgumentError } from './errors.js';
import type { MergeOptions } from './merge.js';
import { range, sortedIds, tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const TARGET_ROWS = 100;
const SOURCE_ROWS = 20;
/** Source ids 90…109: ten overlap the target (updates), ten are new (inserts). */
const SOURCE_FIRST_ID = 90;
const OVERLAP = TARGET_ROWS - SOURCE_FIRST_ID;
const PRICE_BUMP = 1000;
const APP_ID = 'refiner:ticks';
const SOURCE_VERSION = 7;

/** Upsert by id within the partition; an unchanged row is not rewritten, so a replay is a no-op. */
const UPSERT: MergeOptions = {
  predicate: 'target.id = source.id AND target.date = source.date',
  whenMatched: [{ updateAll: true, predicate: 'target.price <> source.price' }],
  whenNotMatched: [{ insertAll: true }],
};

describe('DeltaTable.merge', () => {
  const dir = tempDir();
  after(dir.cleanup);
  let n = 0;
  const freshTable = async (): Promise<DeltaTable> => {
    n += 1;
    const table = await DeltaTable.create(join(dir.path, `t${n}`), TICK_SCHEMA, { partitionBy: ['date'] });
    await table.append(ticks(TARGET_ROWS));
    return table;
  };

  it('updates matched rows, inserts new ones and reports the metrics', async () => {
    const table = await freshTable();
    const result = await table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID, PRICE_BUMP), UPSERT);
    assert.equal(result.version, 2);
    assert.equal(result.numSourceRows, SOURCE_ROWS);
    assert.equal(result.numTargetRowsUpdated, OVERLAP);
    assert.equal(result.numTargetRowsInserted, SOURCE_ROWS - OVERLAP);
    const rows = await table.toArrow();
    assert.deepEqual(sortedIds(rows), range(0, SOURCE_FIRST_ID + SOURCE_ROWS));
    const updated = (await table.toArrow({ filter: `id = ${SOURCE_FIRST_ID}` })).get(0);
    assert.equal(updated?.price, SOURCE_FIRST_ID + PRICE_BUMP);
  });

  it('changes nothing when the same source is merged twice', async () => {
    const table = await freshTable();
    const source = ticks(SOURCE_ROWS, SOURCE_FIRST_ID, PRICE_BUMP);
    await table.merge(source, UPSERT);
    const before = await table.toArrow();
    const replay = await table.merge(source, UPSERT);
    assert.equal(replay.numTargetRowsInserted, 0);
    assert.equal(replay.numTargetRowsUpdated, 0);
    assert.equal(replay.numTargetRowsDeleted, 0);
    const afterReplay = await table.toArrow();
    assert.deepEqual(sortedIds(afterReplay), sortedIds(before));
    assert.equal(afterReplay.numRows, before.numRows);
  });

  it('gives the same result when the source is streamed', async () => {
    const table = await freshTable();
    const result = await table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID, PRICE_BUMP), {
      ...UPSERT,
      streaming: true,
    });
    assert.equal(result.numTargetRowsInserted, SOURCE_ROWS - OVERLAP);
    assert.deepEqual(sortedIds(await table.toArrow()), range(0, SOURCE_FIRST_ID + SOURCE_ROWS));
  });

  it('records application transactions in the merge commit', async () => {
    const table = await freshTable();
    await table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID), {
      ...UPSERT,
      txns: [{ appId: APP_ID, version: SOURCE_VERSION }],
    });
    assert.equal(await table.txnVersion(APP_ID), SOURCE_VERSION);
  });

  it('deletes matched rows and updates explicit columns, first matching clause winning', async () => {
    const table = await freshTable();
    const result = await table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID), {
      predicate: 'dst.id = src.id',
      sourceAlias: 'src',
      targetAlias: 'dst',
      whenMatched: [{ delete: true, predicate: 'dst.id < 95' }, { update: { price: '-1' } }],
    });
    assert.equal(result.numTargetRowsDeleted, 5);
    assert.equal(result.numTargetRowsUpdated, 5);
    assert.equal(result.numTargetRowsInserted, 0);
    const negative = await table.toArrow({ filter: 'price = -1' });
    assert.deepEqual(sortedIds(negative), range(95, TARGET_ROWS));
  });

  it('updates and deletes target rows the source does not match', async () => {
    const table = await freshTable();
    const result = await table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID), {
      predicate: 'target.id = source.id',
      whenNotMatchedBySource: [{ delete: true, predicate: 'target.id < 50' }, { update: { price: '0' } }],
    });
    assert.equal(result.numTargetRowsDeleted, 50);
    assert.deepEqual(sortedIds(await table.toArrow()), range(50, TARGET_ROWS));
    assert.equal((await table.toArrow({ filter: 'price = 0' })).numRows, SOURCE_FIRST_ID - 50);
  });

  it('inserts with explicit column expressions', async () => {
    const table = await freshTable();
    await table.merge(ticks(1, 500), {
      predicate: 'target.id = source.id',
      whenNotMatched: [
        {
          insert: {
            id: 'source.id',
            symbol: "'ZZZ'",
            price: 'source.price + 1',
            volume: 'source.volume',
            event_time: 'source.event_time',
            date: 'source.date',
          },
        },
      ],
    });
    const row = (await table.toArrow({ filter: 'id = 500' })).get(0);
    assert.equal(row?.symbol, 'ZZZ');
    assert.equal(row?.price, 501);
  });

  it('rejects an invalid predicate with INVALID_ARGUMENT and leaves the table untouched', async () => {
    const table = await freshTable();
    await assert.rejects(
      table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID), { ...UPSERT, predicate: 'target.id === ((source' }),
      InvalidArgumentError,
    );
    await assert.rejects(
      table.merge(ticks(SOURCE_ROWS, SOURCE_FIRST_ID), {
        ...UPSERT,
        predicate: 'target.no_such_column = source.id',
      }),
      InvalidArgumentError,
    );
    await assert.rejects(table.merge(ticks(1), { predicate: 'target.id = source.id' }), InvalidArgumentError);
    assert.equal(await table.latestVersion(), 1);
    assert.equal((await table.toArrow()).numRows, TARGET_ROWS);
  });
});
