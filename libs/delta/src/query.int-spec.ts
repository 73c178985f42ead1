import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';

import { Float64, Table, Utf8, vectorFromArray } from 'apache-arrow';

import { DeltaTable } from './delta-table.js';
import { InvalidArgumentError } from './errors.js';
import { SqlSession } from './query.js';
import { SYMBOLS, tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const BATCH = 300;
const STREAM_ROWS = 50_000;
const STREAM_BATCH = 10_000;

describe('SqlSession', () => {
  const dir = tempDir();
  after(dir.cleanup);
  let tickTable: DeltaTable;
  let refTable: DeltaTable;

  before(async () => {
    tickTable = await DeltaTable.create(join(dir.path, 'ticks'), TICK_SCHEMA);
    await tickTable.append(ticks(BATCH));
    await tickTable.append(ticks(BATCH, BATCH));
    const ref = new Table({
      symbol: vectorFromArray([...SYMBOLS], new Utf8()),
      weight: vectorFromArray([1, 2, 3], new Float64()),
    });
    refTable = await DeltaTable.create(join(dir.path, 'ref'), ref.schema);
    await refTable.append(ref);
  });

  it('runs SQL joining two registered tables', async () => {
    const session = SqlSession.create();
    await session.register('ticks', tickTable);
    await session.register('ref', refTable);
    const result = await session.sql(
      'SELECT t.symbol, COUNT(*) AS n, MAX(r.weight) AS w FROM ticks t JOIN ref r ON t.symbol = r.symbol GROUP BY t.symbol ORDER BY t.symbol',
    );
    assert.deepEqual(
      result
        .toArray()
        .map((row: { symbol: string; n: bigint; w: number }) => [row.symbol, Number(row.n), row.w]),
      [
        ['AAPL', (2 * BATCH) / 3, 1],
        ['MSFT', (2 * BATCH) / 3, 2],
        ['NVDA', (2 * BATCH) / 3, 3],
      ],
    );
  });

  it('answers the same on the background runtime, and reports errors the same way', async () => {
    const query = 'SELECT symbol, COUNT(*) AS n FROM ticks GROUP BY symbol ORDER BY symbol';
    const foreground = SqlSession.create();
    await foreground.register('ticks', tickTable);
    const background = SqlSession.create({ background: true });
    await background.register('ticks', tickTable);
    assert.deepEqual((await background.sql(query)).toArray(), (await foreground.sql(query)).toArray());
    await assert.rejects(background.sql('SELEC nonsense'), InvalidArgumentError);
  });

  it('queries a table pinned to an earlier version', async () => {
    const session = SqlSession.create();
    await session.register('v1', tickTable, { version: 1 });
    await session.register('latest', tickTable);
    const result = await session.sql(
      'SELECT (SELECT COUNT(*) FROM v1) AS old, (SELECT COUNT(*) FROM latest) AS now',
    );
    const row = result.get(0);
    assert.equal(Number(row?.old), BATCH);
    assert.equal(Number(row?.now), 2 * BATCH);
  });

  it('streams a large result batch by batch', async () => {
    const session = SqlSession.create();
    await session.register('ticks', tickTable);
    let rows = 0;
    let batches = 0;
    for await (const batch of session.stream(`SELECT * FROM generate_series(1, ${STREAM_ROWS}) AS g(x)`)) {
      rows += batch.numRows;
      batches += 1;
    }
    assert.equal(rows, STREAM_ROWS);
    assert.ok(batches >= STREAM_ROWS / STREAM_BATCH, `expected several batches, got ${batches}`);
  });

  it('stops a stream early without error', async () => {
    const session = SqlSession.create();
    await session.register('ticks', tickTable);
    for await (const batch of session.stream('SELECT * FROM ticks')) {
      assert.ok(batch.numRows > 0);
      break;
    }
  });

  it('rejects invalid SQL and unknown tables with INVALID_ARGUMENT', async () => {
    const session = SqlSession.create();
    await session.register('ticks', tickTable);
    await assert.rejects(session.sql('SELEC * FROM ticks'), InvalidArgumentError);
    await assert.rejects(session.sql('SELECT * FROM nope'), InvalidArgumentError);
    await assert.rejects(session.sql('SELECT no_such_column FROM ticks'), InvalidArgumentError);
    await assert.rejects(session.register('bad name', tickTable), InvalidArgumentError);
  });
});
