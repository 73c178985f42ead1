import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';

import { DeltaTable } from './delta-table.js';
import { bindingVersion } from './version.js';
import { InvalidArgumentError, SchemaMismatchError, TableNotFoundError } from './errors.js';
import { range, sortedIds, SYMBOLS, tempDir, ticks, TICK_SCHEMA, TRADE_DATE } from './test-support.js';

const BATCH = 100;
const CHECKPOINT_INTERVAL = '5';
const APP_ID = 'ingestor:ticks:0';
const OFFSET_AFTER_FIRST_BATCH = 100;
const OFFSET_AFTER_SECOND_BATCH = 200;
const OTHER_DATE = '2024-01-03';
const PROBE_ID = 7;

describe('DeltaTable', () => {
  const dir = tempDir();
  after(dir.cleanup);
  const at = (name: string): string => join(dir.path, name);

  it('creates a table with partitions and properties, and reads them back as metadata', async () => {
    const table = await DeltaTable.create(at('created'), TICK_SCHEMA, {
      partitionBy: ['date'],
      properties: { 'delta.checkpointInterval': CHECKPOINT_INTERVAL },
      name: 'ticks',
      description: 'fixture ticks',
    });
    assert.equal(await table.version(), 0);
    const metadata = await table.metadata();
    assert.deepEqual(metadata.partitionColumns, ['date']);
    assert.equal(metadata.configuration['delta.checkpointInterval'], CHECKPOINT_INTERVAL);
    assert.equal(metadata.name, 'ticks');
    assert.equal(metadata.description, 'fixture ticks');
    const schema = await table.schema();
    assert.deepEqual(
      schema.fields.map((f) => f.name),
      TICK_SCHEMA.fields.map((f) => f.name),
    );
  });

  it('writes the checkpoint a commit is due after the write returned, and reads the table through it', async () => {
    const table = await DeltaTable.create(at('checkpointed'), TICK_SCHEMA, {
      properties: { 'delta.checkpointInterval': CHECKPOINT_INTERVAL },
    });
    for (let i = 0; i < Number(CHECKPOINT_INTERVAL); i++) await table.append(ticks(BATCH, i * BATCH));
    const checkpoint = join(at('checkpointed'), '_delta_log', '00000000000000000004.checkpoint.parquet');
    const deadline = Date.now() + 10_000;
    while (!existsSync(checkpoint) && Date.now() < deadline) await sleep(20);
    assert.ok(
      existsSync(checkpoint),
      'version 4 (delta-rs checkpoints when version + 1 is a multiple) written',
    );
    const reopened = await DeltaTable.open(at('checkpointed'));
    assert.equal(await reopened.version(), 5);
    assert.deepEqual(sortedIds(await reopened.toArrow()), range(0, 5 * BATCH));
  });

  it('refuses to create a table where one exists unless told to ignore it', async () => {
    await DeltaTable.create(at('twice'), TICK_SCHEMA);
    await assert.rejects(DeltaTable.create(at('twice'), TICK_SCHEMA), InvalidArgumentError);
    const again = await DeltaTable.create(at('twice'), TICK_SCHEMA, { ifExists: 'ignore' });
    assert.equal(await again.version(), 0);
  });

  it('appends rows, returns the new version and reads the same rows back', async () => {
    const table = await DeltaTable.create(at('append'), TICK_SCHEMA, { partitionBy: ['date'] });
    const first = await table.append(ticks(BATCH));
    const second = await table.append(ticks(BATCH, BATCH));
    assert.deepEqual(first, { version: 1, rowsWritten: BATCH });
    assert.deepEqual(second, { version: 2, rowsWritten: BATCH });
    const read = await (await DeltaTable.open(at('append'))).toArrow();
    assert.deepEqual(sortedIds(read), range(0, 2 * BATCH));
    const row = (await table.toArrow({ filter: `id = ${PROBE_ID}` })).get(0);
    assert.equal(row?.symbol, SYMBOLS[PROBE_ID % SYMBOLS.length]);
    assert.equal(row?.price, PROBE_ID);
    assert.equal(row?.volume, BigInt(PROBE_ID * 10));
    assert.equal(row?.date, TRADE_DATE);
  });

  it('projects columns and filters rows on read', async () => {
    const table = await DeltaTable.create(at('read'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const read = await table.toArrow({ columns: ['id', 'price'], filter: 'price >= 90' });
    assert.deepEqual(
      read.schema.fields.map((f) => f.name),
      ['id', 'price'],
    );
    assert.deepEqual(sortedIds(read), range(90, BATCH));
  });

  it('commits application transactions with the data and reads the latest version back', async () => {
    const table = await DeltaTable.create(at('txn'), TICK_SCHEMA);
    assert.equal(await table.txnVersion(APP_ID), undefined);
    await table.append(ticks(BATCH), { txns: [{ appId: APP_ID, version: OFFSET_AFTER_FIRST_BATCH }] });
    await table.append(ticks(BATCH, BATCH), {
      txns: [
        { appId: APP_ID, version: OFFSET_AFTER_SECOND_BATCH },
        { appId: 'other', version: 1 },
      ],
    });
    const reopened = await DeltaTable.open(at('txn'));
    assert.equal(await reopened.txnVersion(APP_ID), OFFSET_AFTER_SECOND_BATCH);
    assert.equal(await reopened.txnVersion('other'), 1);
    assert.equal(await reopened.txnVersion('never-committed'), undefined);
  });

  it('sees commits made through another handle before reading', async () => {
    const writer = await DeltaTable.create(at('follow'), TICK_SCHEMA);
    const reader = await DeltaTable.open(at('follow'));
    await writer.append(ticks(BATCH));
    assert.equal((await reader.toArrow()).numRows, BATCH);
    assert.equal(await reader.version(), 1);
  });

  it('overwrites all rows, or only those matching replaceWhere', async () => {
    const table = await DeltaTable.create(at('overwrite'), TICK_SCHEMA, { partitionBy: ['date'] });
    await table.append(ticks(BATCH, 0, 0, TRADE_DATE));
    await table.append(ticks(BATCH, BATCH, 0, OTHER_DATE));
    await table.overwrite(ticks(10, 1000, 0, OTHER_DATE), { replaceWhere: `date = '${OTHER_DATE}'` });
    assert.deepEqual(sortedIds(await table.toArrow()), [...range(0, BATCH), ...range(1000, 1010)]);
    await table.overwrite(ticks(5, 5000));
    assert.deepEqual(sortedIds(await table.toArrow()), range(5000, 5005));
  });

  it('adds new columns on append with schema merge, leaving old rows null', async () => {
    const table = await DeltaTable.create(at('merge-schema'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const base = ticks(1, BATCH);
    const venue = vectorFromArray(['XNAS'], new Utf8());
    const wider = new Table({
      ...Object.fromEntries(base.schema.fields.map((f) => [f.name, base.getChild(f.name)!])),
      venue,
    });
    await table.append(wider, { schemaMode: 'merge' });
    const schema = await table.schema();
    assert.ok(schema.fields.some((f) => f.name === 'venue'));
    const rows = await table.toArrow({ columns: ['id', 'venue'], filter: 'venue IS NOT NULL' });
    assert.deepEqual(sortedIds(rows), [BATCH]);
    const nulls = await table.toArrow({ filter: 'venue IS NULL' });
    assert.equal(nulls.numRows, BATCH);
  });

  it('rejects an append whose schema differs without schema merge, leaving the table untouched', async () => {
    const table = await DeltaTable.create(at('mismatch'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const wrong = new Table({
      id: vectorFromArray([1n], new Int64()),
      other: vectorFromArray([1.5], new Float64()),
    });
    const error = await table.append(wrong).catch((e: unknown) => e);
    assert.ok(error instanceof SchemaMismatchError, String(error));
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.code, 'SCHEMA_MISMATCH');
    assert.equal(await table.latestVersion(), 1);
    assert.equal((await table.toArrow()).numRows, BATCH);
  });

  it('replaces the schema on overwrite with schemaMode overwrite', async () => {
    const table = await DeltaTable.create(at('replace-schema'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const narrow = new Table({
      id: vectorFromArray([1n, 2n], new Int64()),
      note: vectorFromArray(['a', 'b'], new Utf8()),
    });
    await table.overwrite(narrow, { schemaMode: 'overwrite' });
    assert.deepEqual(
      (await table.schema()).fields.map((f) => f.name),
      ['id', 'note'],
    );
    assert.deepEqual(sortedIds(await table.toArrow()), [1, 2]);
  });

  it('reports the binding and delta-rs versions', async () => {
    const versions = await bindingVersion();
    assert.match(versions.binding, /^\d+\.\d+\.\d+$/);
    assert.match(versions.deltalake, /^1\.\d+\.\d+$/);
  });

  it('deletes and updates rows matching predicates', async () => {
    const table = await DeltaTable.create(at('dml'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const deleted = await table.delete('id < 10');
    assert.equal(deleted.version, 2);
    assert.equal(deleted.numDeletedRows, 10);
    const updated = await table.update({ set: { price: 'price * 2' }, predicate: 'id >= 90' });
    assert.equal(updated.numUpdatedRows, 10);
    assert.deepEqual(sortedIds(await table.toArrow()), range(10, BATCH));
    const row = (await table.toArrow({ filter: 'id = 95' })).get(0);
    assert.equal(row?.price, 190);
  });

  it('lists history newest first with operations and versions', async () => {
    const table = await DeltaTable.create(at('history'), TICK_SCHEMA);
    await table.append(ticks(BATCH), { metadata: { batch: 'b-1' } });
    await table.delete('id = 1');
    const history = await table.history();
    assert.deepEqual(
      history.map((c) => [c.version, c.operation]),
      [
        [2, 'DELETE'],
        [1, 'WRITE'],
        [0, 'CREATE TABLE'],
      ],
    );
    assert.equal(history[1]?.info.batch, 'b-1');
    assert.equal((await table.history(1)).length, 1);
  });

  it('numbers history by each commit, even on a handle that another handle has committed past', async () => {
    const table = await DeltaTable.create(at('history-behind'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const other = await DeltaTable.open(at('history-behind'));
    await other.append(ticks(BATCH, BATCH), { metadata: { batch: 'from-other' } });
    const history = await table.history();
    assert.deepEqual(
      history.map((c) => [c.version, c.operation]),
      [
        [2, 'WRITE'],
        [1, 'WRITE'],
        [0, 'CREATE TABLE'],
      ],
    );
    assert.equal(history[0]?.info.batch, 'from-other');
  });

  it('lists active files with row counts and min/max statistics', async () => {
    const table = await DeltaTable.create(at('files'), TICK_SCHEMA);
    await table.append(ticks(BATCH));
    const files = await table.files();
    assert.equal(files.numRows, 1);
    const file = files.get(0);
    assert.equal(Number(file?.num_records), BATCH);
    assert.equal(Number(file?.['min.id']), 0);
    assert.equal(Number(file?.['max.id']), BATCH - 1);
  });

  describe('time travel', () => {
    let table: DeltaTable;
    let beforeSecondCommit: Date;
    before(async () => {
      table = await DeltaTable.create(at('travel'), TICK_SCHEMA);
      await table.append(ticks(BATCH));
      await new Promise((resolve) => setTimeout(resolve, 20));
      beforeSecondCommit = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await table.append(ticks(BATCH, BATCH));
    });

    it('opens a past version by number', async () => {
      const v1 = await DeltaTable.open(table.uri, { version: 1 });
      assert.equal(await v1.version(), 1);
      assert.equal((await v1.toArrow()).numRows, BATCH);
    });

    it('opens the version current at an instant', async () => {
      const past = await table.checkout({ asOf: beforeSecondCommit });
      assert.equal(await past.version(), 1);
      assert.equal((await past.toArrow()).numRows, BATCH);
    });

    it('keeps a pinned handle read-only', async () => {
      const v1 = await table.checkout({ version: 1 });
      await assert.rejects(v1.append(ticks(1)), InvalidArgumentError);
      assert.equal(await table.latestVersion(), 2);
    });

    it('rejects a version that does not exist', async () => {
      await assert.rejects(DeltaTable.open(table.uri, { version: 99 }), InvalidArgumentError);
      await assert.rejects(table.checkout({ version: -1 }), InvalidArgumentError);
    });
  });

  it('reports a missing table as TABLE_NOT_FOUND', async () => {
    await assert.rejects(DeltaTable.open(at('nothing-here')), TableNotFoundError);
    const emptyDir = tempDir();
    try {
      await assert.rejects(DeltaTable.open(emptyDir.path), TableNotFoundError);
    } finally {
      emptyDir.cleanup();
    }
  });
});
