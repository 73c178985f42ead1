// The blind append (crate/src/append.rs): a plain append commits at the next free version without delta-rs's write
// operation and without replaying the handle's state. These specs pin what must not change with it: other writers'
// commits are moved past or refused by delta-rs's rules, a read version is honoured, and the handle still shows its
// own commits.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { Field, Int64, Schema, Table, Utf8, vectorFromArray } from 'apache-arrow';

import { DeltaTable } from './delta-table.js';
import { CommitConflictError, InvalidArgumentError } from './errors.js';
import { range, sortedIds, tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const BATCH = 50;
const APP = 'ingestor:ticks.raw:0';
const OTHER_APP = 'ingestor:ticks.raw:1';
/** How long a reader follows a writer that commits back to back (a thousand commits make listings race). */
const RACE_MS = 3_000;

/** The `operationMetrics` a commit recorded, from its log entry. */
function operationMetrics(uri: string, version: number): Record<string, unknown> {
  const entry = readFileSync(join(uri, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8');
  const info = entry
    .split('\n')
    .map((line) => JSON.parse(line) as { commitInfo?: { operationMetrics?: Record<string, unknown> } })
    .find((action) => action.commitInfo !== undefined);
  return info?.commitInfo?.operationMetrics ?? {};
}

describe('blind appends', () => {
  const dir = tempDir('blind-append-');
  after(dir.cleanup);
  const at = (name: string): string => join(dir.path, name);

  it('take the blind path for a plain append: it records the partitions it wrote (the write operation records 0)', async () => {
    const uri = at('path');
    const table = await DeltaTable.create(uri, TICK_SCHEMA, { partitionBy: ['date'] });
    const twoDays = new Table([
      ...ticks(BATCH, 0, 0, '2024-01-02').batches,
      ...ticks(BATCH, BATCH, 0, '2024-01-03').batches,
    ]);
    await table.append(twoDays);
    assert.equal(operationMetrics(uri, 1)['num_partitions'], 2);
    assert.equal(operationMetrics(uri, 1)['num_added_rows'], 2 * BATCH);
  });

  it('show the handle its own commits: version, files, rows and history', async () => {
    const table = await DeltaTable.create(at('own'), TICK_SCHEMA);
    for (let i = 0; i < 3; i++) assert.equal((await table.append(ticks(BATCH, i * BATCH))).version, i + 1);
    assert.equal(await table.version(), 3);
    assert.equal((await table.files()).numRows, 3);
    assert.deepEqual(sortedIds(await table.toArrow()), range(0, 3 * BATCH));
    assert.deepEqual(
      (await table.history()).map((c) => [c.version, c.operation]),
      [
        [3, 'WRITE'],
        [2, 'WRITE'],
        [1, 'WRITE'],
        [0, 'CREATE TABLE'],
      ],
    );
  });

  it("move past another writer's commits that do not conflict, reading each, and lose no row", async () => {
    const uri = at('past');
    const mine = await DeltaTable.create(uri, TICK_SCHEMA);
    const other = await DeltaTable.open(uri);
    await mine.append(ticks(BATCH, 0), { txns: [{ appId: APP, version: 1 }] });
    await other.append(ticks(BATCH, BATCH), { txns: [{ appId: OTHER_APP, version: 1 }] });
    await other.delete(`id = ${BATCH}`);
    const result = await mine.append(ticks(BATCH, 2 * BATCH), {
      txns: [{ appId: APP, version: 2 }],
      readVersion: 1,
    });
    assert.equal(result.version, 4, 'after its own version 1 and the other writer’s 2 and 3');
    const ids = sortedIds(await (await DeltaTable.open(uri)).toArrow());
    assert.deepEqual(ids, [...range(0, BATCH), ...range(BATCH + 1, 3 * BATCH)]);
    assert.equal(await mine.txnVersion(APP), 2);
  });

  it('refuse any commit since the read version with maxRetries 0, as the write operation does', async () => {
    const uri = at('no-retries');
    const mine = await DeltaTable.create(uri, TICK_SCHEMA);
    const other = await DeltaTable.open(uri);
    await other.append(ticks(BATCH));
    await assert.rejects(
      mine.append(ticks(BATCH, BATCH), { readVersion: 0, maxRetries: 0 }),
      (error: unknown) => error instanceof CommitConflictError && error.kind === 'MaxCommitAttempts',
    );
    assert.equal((await mine.append(ticks(BATCH, BATCH), { readVersion: 0 })).version, 2);
  });

  it('refuse a commit when another writer recorded the same app id since the read version, writing nothing', async () => {
    const uri = at('zombie');
    const zombie = await DeltaTable.create(uri, TICK_SCHEMA);
    const owner = await DeltaTable.open(uri);
    await owner.append(ticks(BATCH), { txns: [{ appId: APP, version: 1 }], readVersion: 0 });
    await owner.append(ticks(BATCH, BATCH), { txns: [{ appId: OTHER_APP, version: 1 }] });
    await assert.rejects(
      zombie.append(ticks(BATCH, 2 * BATCH), { txns: [{ appId: APP, version: 1 }], readVersion: 0 }),
      (error: unknown) => error instanceof CommitConflictError && error.kind === 'ConcurrentTransaction',
    );
    assert.deepEqual(
      sortedIds(await zombie.toArrow()),
      range(0, 2 * BATCH),
      'the refused rows are not visible',
    );
  });

  it('refuse a commit after a schema change by another writer, then build on the new schema', async () => {
    const uri = at('schema');
    const mine = await DeltaTable.create(uri, TICK_SCHEMA);
    const other = await DeltaTable.open(uri);
    await mine.append(ticks(BATCH));
    const wider = ticks(BATCH, BATCH);
    const withNote = new Table({
      ...Object.fromEntries(wider.schema.fields.map((f) => [f.name, wider.getChild(f.name)!])),
      note: vectorFromArray(
        Array.from({ length: BATCH }, () => 'n'),
        new Utf8(),
      ),
    });
    await other.append(withNote, { schemaMode: 'merge' });
    await assert.rejects(
      mine.append(ticks(BATCH, 2 * BATCH)),
      (error: unknown) => error instanceof CommitConflictError && error.kind === 'MetadataChanged',
    );
    // The handle caught up: the retry goes through the write operation (the rows lack the new column) and lands.
    const retried = await mine.append(ticks(BATCH, 2 * BATCH), { schemaMode: 'merge' });
    assert.equal(retried.version, 3);
    const rows = await mine.toArrow();
    assert.deepEqual(sortedIds(rows), range(0, 3 * BATCH));
    assert.ok(rows.schema.fields.some((f) => f.name === 'note'));
  });

  it('refuse a read version beyond the log, leaving no gap in it', async () => {
    const uri = at('gap');
    const table = await DeltaTable.create(uri, TICK_SCHEMA);
    await table.append(ticks(BATCH));
    await assert.rejects(table.append(ticks(BATCH, BATCH), { readVersion: 5 }), InvalidArgumentError);
    await assert.rejects(table.append(ticks(BATCH, BATCH), { readVersion: -1 }), InvalidArgumentError);
    assert.equal((await table.append(ticks(BATCH, BATCH), { readVersion: 1 })).version, 2);
  });

  it('can be followed by readers while they commit as fast as they can (a listing that races a commit is retried)', async () => {
    const uri = at('race');
    const writer = await DeltaTable.create(uri, TICK_SCHEMA);
    let writing = true;
    let appends = 0;
    const writes = (async () => {
      while (writing) await writer.append(ticks(1, appends++));
    })();
    let opens = 0;
    let lastSeen = 0;
    try {
      for (const until = Date.now() + RACE_MS; Date.now() < until; opens++) {
        const version = await (await DeltaTable.open(uri)).version();
        assert.ok(version >= lastSeen, `version ${version} after ${lastSeen}`);
        lastSeen = version;
      }
    } finally {
      writing = false;
      await writes;
    }
    assert.ok(appends > opens, `${appends} appends while ${opens} opens: the writer was not starved`);
    assert.equal(await (await DeltaTable.open(uri)).version(), appends);
  });

  it('leave rows the table would not take to the write operation and its errors', async () => {
    const table = await DeltaTable.create(at('bad'), TICK_SCHEMA);
    const idsOnly = new Table({ id: vectorFromArray([1n, 2n], new Int64()) });
    await assert.rejects(table.append(idsOnly), { code: 'SCHEMA_MISMATCH' });
    const nullable = new Schema(TICK_SCHEMA.fields.map((f) => new Field(f.name, f.type, true)));
    const withNull = ticks(2);
    const symbols = vectorFromArray([null, 'AAPL'], new Utf8());
    const bad = new Table(
      Object.fromEntries(
        nullable.fields.map((f) => [f.name, f.name === 'symbol' ? symbols : withNull.getChild(f.name)!]),
      ),
    );
    await assert.rejects(table.append(bad));
    assert.equal(await table.version(), 0, 'nothing committed');
  });
});
