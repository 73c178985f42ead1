import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { type MaintenanceRunRow } from '@lakehouse/lake';
import { Field, Float64, Int64, Schema, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { TableUpkeep, type UpkeepSettings } from './table-upkeep';

const SCHEMA = new Schema([
  new Field('id', new Int64(), false),
  new Field('symbol', new Utf8(), false),
  new Field('price', new Float64(), false),
  new Field('event_date', new Utf8(), false),
]);
const CLOSED_DATE = '2026-01-01';
const IDS_PER_APPEND = 10;
/**
 * The live appender's pause between commits: 100 appends a second, far above Bronze's few, yet a rate at which a
 * table's log can still be listed (a blind append takes a millisecond or two, so an unpaced loop commits a thousand
 * times a second and every listing of the log races with it).
 */
const APPEND_PAUSE_MS = 10;
const APPENDS_PER_ROUND = 3;
const MIN_WRITER_ROUNDS = 3;
const OPTIMIZE_RUNS = 8;
const SETTINGS: UpkeepSettings = {
  windowHours: 1,
  vacuumForce: false,
  vacuumDryRun: false,
  targetFileBytes: 64 * 1024 * 1024,
  smallFileBytes: 1024 * 1024,
  minSmallFiles: 2,
  openPartitionSmallFiles: 2,
  optimizeAttempts: 5,
};

function rows(ids: readonly number[], price: number, date = CLOSED_DATE): Table {
  return new Table({
    id: vectorFromArray(
      ids.map((i) => BigInt(i)),
      new Int64(),
    ),
    symbol: vectorFromArray(
      ids.map((i) => (i % 2 === 0 ? 'AAPL' : 'MSFT')),
      new Utf8(),
    ),
    price: vectorFromArray(
      ids.map(() => price),
      new Float64(),
    ),
    event_date: vectorFromArray(
      ids.map(() => date),
      new Utf8(),
    ),
  });
}

describe('TableUpkeep against live writers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maintainer-upkeep-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('either commits or records a conflict, and the table ends with exactly what the writer committed', async () => {
    const uri = join(dir, 'merged');
    await DeltaTable.create(uri, SCHEMA, { partitionBy: ['event_date'] });
    // The writer: small appends of new ids, then a MERGE that rewrites every file (a new price for every row), each
    // retried when it loses a race, as the refiner does. `expected` follows only what it committed.
    const writer = await DeltaTable.open(uri);
    const expected = new Map<number, number>();
    let writerConflicts = 0;
    const retryOnConflict = async (commit: () => Promise<unknown>): Promise<void> => {
      for (;;) {
        try {
          await commit();
          return;
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'COMMIT_CONFLICT') throw error;
          writerConflicts += 1;
        }
      }
    };
    let writing = true;
    const writes = (async () => {
      for (let round = 1; writing || round <= MIN_WRITER_ROUNDS; round += 1) {
        for (let a = 0; a < APPENDS_PER_ROUND; a += 1) {
          const ids = Array.from({ length: IDS_PER_APPEND }, (_, i) => expected.size + i);
          await retryOnConflict(() => writer.append(rows(ids, 0), { maxRetries: 0 }));
          for (const id of ids) expected.set(id, 0);
        }
        const all = [...expected.keys()];
        await retryOnConflict(() =>
          writer.merge(rows(all, round), {
            predicate: `target.event_date = '${CLOSED_DATE}' AND target.id = source.id`,
            sourceAlias: 'source',
            targetAlias: 'target',
            whenMatched: [{ updateAll: true }],
            maxRetries: 0,
          }),
        );
        for (const id of all) expected.set(id, round);
      }
    })();

    const upkeep = new TableUpkeep(SETTINGS, Date.now, { log: () => undefined, warn: () => undefined });
    const target = { name: 'test.merged', path: 'merged', datePartition: 'event_date' };
    const runs: MaintenanceRunRow[] = [];
    try {
      for (let i = 0; i < OPTIMIZE_RUNS; i += 1) {
        runs.push(
          await upkeep.run(await DeltaTable.open(uri), target, { operation: 'optimize', always: true }),
        );
      }
    } finally {
      writing = false;
      await writes;
    }

    for (const run of runs) {
      assert.ok(
        run.result === 'ok' || (run.result === 'skipped' && run.errorCode === 'COMMIT_CONFLICT'),
        `unexpected run: ${run.result} ${run.errorCode ?? ''} ${run.error ?? ''}`,
      );
    }
    const content = await (await DeltaTable.open(uri)).toArrow();
    const ids = content.getChild('id')!.toArray() as BigInt64Array;
    const prices = content.getChild('price')!.toArray() as Float64Array;
    const actual = new Map<number, number>();
    ids.forEach((id, i) => {
      assert.equal(actual.has(Number(id)), false, `id ${id} doubled`);
      actual.set(Number(id), prices[i]!);
    });
    assert.deepEqual(actual, expected, `writer conflicts: ${writerConflicts}`);
  });

  it('compacts today’s partition of an append-only table under a live appender: no conflict, nothing lost', async () => {
    const uri = join(dir, 'appended');
    await DeltaTable.create(uri, SCHEMA, { partitionBy: ['event_date'] });
    const today = new Date().toISOString().slice(0, 10);
    const writer = await DeltaTable.open(uri);
    let appended = 0;
    let writing = true;
    const writes = (async () => {
      while (writing || appended < 20 * IDS_PER_APPEND) {
        const ids = Array.from({ length: IDS_PER_APPEND }, (_, i) => appended + i);
        await writer.append(rows(ids, 1, today));
        appended += IDS_PER_APPEND;
        await new Promise((resolve) => setTimeout(resolve, APPEND_PAUSE_MS));
      }
    })();
    const upkeep = new TableUpkeep(SETTINGS, Date.now, { log: () => undefined, warn: () => undefined });
    const target = { name: 'test.appended', path: 'appended', datePartition: 'event_date', appendOnly: true };
    const runs: MaintenanceRunRow[] = [];
    try {
      while (runs.filter((r) => r.result === 'ok').length < 3) {
        runs.push(await upkeep.run(await DeltaTable.open(uri), target, { operation: 'optimize_open' }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      writing = false;
      await writes;
    }
    assert.ok(
      runs.every((r) => r.result === 'ok' || (r.result === 'skipped' && r.errorCode === null)),
      runs.map((r) => `${r.result} ${r.errorCode ?? ''} ${r.error ?? ''}`).join('; '),
    );
    const table = await DeltaTable.open(uri);
    const column = (await table.toArrow()).getChild('id')!.toArray() as BigInt64Array;
    const ids = Array.from(column, Number).sort((a, b) => a - b);
    assert.deepEqual(
      ids,
      Array.from({ length: appended }, (_, i) => i),
    );
    const files = (await table.files()).numRows;
    assert.ok(
      files < appended / IDS_PER_APPEND,
      `${files} files after compaction, ${appended / IDS_PER_APPEND} appends`,
    );
  });
});
