import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';

import { DeltaTable } from './delta-table.js';
import { DeltaError, InvalidArgumentError } from './errors.js';
import { range, sortedIds, tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const SMALL_APPENDS = 5;
const ROWS_PER_APPEND = 20;
const NO_RETENTION_HOURS = 0;
const ONE_HOUR = 1;
/** A target of ~2.5 small files: compaction must produce several files, not one. */
const FILES_PER_BIN_TARGET = 2.5;
const CLOSED_DATE = '2024-01-02';
const OPEN_DATE = '2024-01-03';

describe('maintenance', () => {
  const dir = tempDir();
  after(dir.cleanup);
  let n = 0;
  const fresh = async (): Promise<DeltaTable> => {
    n += 1;
    return DeltaTable.create(join(dir.path, `t${n}`), TICK_SCHEMA);
  };
  const appendSmallFiles = async (table: DeltaTable): Promise<void> => {
    for (let i = 0; i < SMALL_APPENDS; i += 1)
      await table.append(ticks(ROWS_PER_APPEND, i * ROWS_PER_APPEND));
  };

  it('compacts small files into one without changing the rows', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    const result = await table.optimize();
    assert.equal(result.numFilesRemoved, SMALL_APPENDS);
    assert.equal(result.numFilesAdded, 1);
    assert.equal((await table.files()).numRows, 1);
    assert.deepEqual(sortedIds(await table.toArrow()), range(0, SMALL_APPENDS * ROWS_PER_APPEND));
  });

  it('splits the output into files of about the target size', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    const sizes = Array.from(
      (await table.files()).getChild('size_bytes')!.toArray() as BigInt64Array,
      Number,
    );
    const targetSize = Math.floor(Math.max(...sizes) * FILES_PER_BIN_TARGET);
    const result = await table.optimize({ targetSize });
    assert.ok(result.numFilesAdded > 1, `expected several output files, got ${result.numFilesAdded}`);
    assert.ok(result.numFilesAdded < result.numFilesRemoved);
    assert.equal((await table.toArrow()).numRows, SMALL_APPENDS * ROWS_PER_APPEND);
  });

  it('z-orders files by columns', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    const result = await table.optimize({ kind: 'zorder', zorderColumns: ['symbol', 'price'] });
    assert.equal(result.numFilesRemoved, SMALL_APPENDS);
    assert.equal((await table.history(1))[0]?.operation, 'OPTIMIZE');
    assert.equal((await table.toArrow()).numRows, SMALL_APPENDS * ROWS_PER_APPEND);
  });

  it('compacts only the partitions the filters select, leaving the open one alone', async () => {
    n += 1;
    const table = await DeltaTable.create(join(dir.path, `t${n}`), TICK_SCHEMA, { partitionBy: ['date'] });
    for (const date of [CLOSED_DATE, OPEN_DATE]) {
      for (let i = 0; i < SMALL_APPENDS; i += 1)
        await table.append(ticks(ROWS_PER_APPEND, i * ROWS_PER_APPEND, 0, date));
    }
    const result = await table.optimize({
      partitionFilters: [{ column: 'date', op: '<', value: OPEN_DATE }],
    });
    assert.equal(result.numFilesRemoved, SMALL_APPENDS);
    assert.equal(result.partitionsOptimized, 1);
    const files = await table.files();
    const paths = Array.from({ length: files.numRows }, (_, i) => String(files.getChild('path')!.get(i)));
    assert.equal(paths.filter((p) => p.includes(`date=${CLOSED_DATE}`)).length, 1);
    assert.equal(paths.filter((p) => p.includes(`date=${OPEN_DATE}`)).length, SMALL_APPENDS);
    assert.equal((await table.toArrow()).numRows, 2 * SMALL_APPENDS * ROWS_PER_APPEND);
  });

  it('refuses a malformed partition filter with INVALID_ARGUMENT', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    await assert.rejects(
      table.optimize({ partitionFilters: [{ column: 'date', op: '~' as '=', value: 'x' }] }),
      InvalidArgumentError,
    );
  });

  it('writes a checkpoint file for the latest version', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    const version = await table.createCheckpoint();
    assert.equal(version, SMALL_APPENDS);
    const checkpoint = `${String(version).padStart(20, '0')}.checkpoint.parquet`;
    assert.ok(existsSync(join(table.uri, '_delta_log', checkpoint)));
    const reopened = await DeltaTable.open(table.uri);
    assert.equal((await reopened.toArrow()).numRows, SMALL_APPENDS * ROWS_PER_APPEND);
  });

  it('keeps log files inside the log retention when cleaning up metadata', async () => {
    const table = await fresh();
    await appendSmallFiles(table);
    await table.createCheckpoint();
    assert.equal(await table.cleanupMetadata(), 0);
    assert.ok(readdirSync(join(table.uri, '_delta_log')).includes(`${'0'.repeat(20)}.json`));
  });

  it('deletes expired log files covered by a checkpoint', async () => {
    n += 1;
    const table = await DeltaTable.create(join(dir.path, `t${n}`), TICK_SCHEMA, {
      // Commits would otherwise clean up after themselves once a checkpoint exists.
      properties: {
        'delta.logRetentionDuration': 'interval 0 seconds',
        'delta.enableExpiredLogCleanup': 'false',
      },
    });
    await appendSmallFiles(table);
    await table.createCheckpoint();
    await table.append(ticks(1, 1000));
    const logsBefore = readdirSync(join(table.uri, '_delta_log')).filter((f) => f.endsWith('.json'));
    assert.equal(logsBefore.length, SMALL_APPENDS + 2);
    assert.equal(await table.cleanupMetadata(), SMALL_APPENDS);
    assert.equal(
      (await (await DeltaTable.open(table.uri)).toArrow()).numRows,
      SMALL_APPENDS * ROWS_PER_APPEND + 1,
    );
  });

  describe('vacuum and time travel', () => {
    /** v1 writes ids 0…19, v2 overwrites them with 100…119, leaving v1's file removed but on disk. */
    const overwritten = async (): Promise<DeltaTable> => {
      const table = await fresh();
      await table.append(ticks(ROWS_PER_APPEND));
      await table.overwrite(ticks(ROWS_PER_APPEND, 100));
      return table;
    };

    it('lists the files a dry run would delete, and deletes none', async () => {
      const table = await overwritten();
      const result = await table.vacuum({
        retentionHours: NO_RETENTION_HOURS,
        enforceRetention: false,
        dryRun: true,
      });
      assert.equal(result.dryRun, true);
      assert.equal(result.filesDeleted.length, 1);
      assert.ok(existsSync(join(table.uri, result.filesDeleted[0]!)));
    });

    it('keeps removed files inside the retention, so time travel still works', async () => {
      const table = await overwritten();
      const result = await table.vacuum({ retentionHours: ONE_HOUR, enforceRetention: false });
      assert.deepEqual(result.filesDeleted, []);
      const v1 = await table.checkout({ version: 1 });
      assert.deepEqual(sortedIds(await v1.toArrow()), range(0, ROWS_PER_APPEND));
    });

    it('deletes removed files outside the retention, after which the old version cannot be read', async () => {
      const table = await overwritten();
      const before = await table.checkout({ version: 1 });
      assert.equal((await before.toArrow()).numRows, ROWS_PER_APPEND);
      const result = await table.vacuum({ retentionHours: NO_RETENTION_HOURS, enforceRetention: false });
      assert.equal(result.filesDeleted.length, 1);
      const v1 = await table.checkout({ version: 1 });
      const error = await v1.toArrow().catch((e: unknown) => e);
      assert.ok(error instanceof DeltaError, String(error));
      assert.deepEqual(sortedIds(await table.toArrow()), range(100, 100 + ROWS_PER_APPEND));
    });

    it('refuses a retention below the table setting unless enforcement is off', async () => {
      const table = await overwritten();
      await assert.rejects(table.vacuum({ retentionHours: NO_RETENTION_HOURS }), InvalidArgumentError);
      await assert.rejects(table.vacuum({ mode: 'deep' as 'full' }), InvalidArgumentError);
    });

    it('also deletes files the log never referenced in full mode', async () => {
      const table = await overwritten();
      const lite = await table.vacuum({
        retentionHours: NO_RETENTION_HOURS,
        enforceRetention: false,
        dryRun: true,
        mode: 'lite',
      });
      const full = await table.vacuum({
        retentionHours: NO_RETENTION_HOURS,
        enforceRetention: false,
        dryRun: true,
        mode: 'full',
      });
      assert.ok(full.filesDeleted.length >= lite.filesDeleted.length);
    });
  });
});
