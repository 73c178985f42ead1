import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  type AppTransaction,
  BRONZE_QUARANTINE,
  BRONZE_TICKS,
  type BronzeTickRow,
  type CommitResult,
  InMemoryLake,
  type TableDefinition,
} from '@lakehouse/lake';
import { BronzeExactlyOnce } from '../bronze/bronze-exactly-once';
import { type LoaderOptions, TickFileLoader } from './tick-file-loader';

const GOOD_RECORDS = 50;
const MIXED_RECORDS = 60;
const COMMIT_RECORDS = 8;
const OPTIONS: LoaderOptions = {
  parser: { exchangeTimeZone: 'America/New_York' },
  commitRecords: COMMIT_RECORDS,
  reportBadRecords: 10,
};
const BAD_LINES = new Map([
  [5, '{"symbol":"AAPL","price":"cheap","volume":1,"timestamp":"2024-01-02 09:30:00"}'],
  [17, '{not json'],
  [30, '{"symbol":"AAPL","price":1,"volume":1,"timestamp":"9999-01-01 00:00:00"}'],
]);

function fileText(): string {
  const lines: string[] = [];
  for (let line = 1, good = 0; good < GOOD_RECORDS || BAD_LINES.has(line); line++) {
    const bad = BAD_LINES.get(line);
    if (bad) lines.push(bad);
    else {
      lines.push(
        JSON.stringify({
          symbol: 'SPX',
          price: 4000 + good,
          volume: good,
          timestamp: `2024-01-02 10:${String(good).padStart(2, '0')}:00`,
        }),
      );
      good++;
    }
  }
  return lines.join('\n') + '\n';
}

/** Fails the Bronze append number `crashAt` (1-based) as a killed process would. */
class CrashingLake extends InMemoryLake {
  private bronzeAppends = 0;
  constructor(private readonly crashAt: number) {
    super();
  }
  override append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
  ): Promise<CommitResult> {
    if (table.name === BRONZE_TICKS.name && ++this.bronzeAppends === this.crashAt) {
      return Promise.reject(new Error('killed mid-file'));
    }
    return super.append(table, rows, txns);
  }
}

/**
 * Copies every Bronze row into plain values at append, as the Delta lake does when it writes them: what a loader
 * that reuses batch memory needs. Rows read later come from these copies, never from the loader's batches.
 */
class CopyingLake extends InMemoryLake {
  override append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
  ): Promise<CommitResult> {
    if (table.name !== BRONZE_TICKS.name) return super.append(table, rows, txns);
    const copies = (rows as readonly BronzeTickRow[]).map(
      ({ tick, rawPayload, ingestTimeUs, source }): BronzeTickRow => ({
        tick,
        rawPayload,
        ingestTimeUs,
        source,
      }),
    );
    return super.append(table, copies as unknown as readonly Row[], txns);
  }
}

let clockUs = 1_732_000_000_000_000n;
const hooks = { nowUs: () => (clockUs += 1n), nowMs: () => Number(clockUs / 1000n) };

async function loaderOver(lake: InMemoryLake, options: LoaderOptions = OPTIONS): Promise<TickFileLoader> {
  const bronze = new BronzeExactlyOnce(lake);
  await bronze.ensureTables();
  return new TickFileLoader(bronze, options, hooks);
}

/** What a test compares: each Bronze row's values, without the ingest time (the clock moves between loads). */
function bronzeValues(lake: InMemoryLake): unknown[] {
  return lake.rowsOf(BRONZE_TICKS).map((r) => ({ tick: r.tick, rawPayload: r.rawPayload, source: r.source }));
}

function fileRecordsIn(lake: InMemoryLake): number[] {
  return lake.rowsOf(BRONZE_TICKS).map((r) => (r.source.kind === 'batch' ? r.source.record : -1));
}

describe('TickFileLoader', () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loader-'));
    path = join(dir, 'ticks.ndjson.gz');
    await writeFile(path, gzipSync(fileText()));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every good record, quarantines the bad ones, and reports them by line', async () => {
    const lake = new InMemoryLake();
    const summary = await (await loaderOver(lake)).load(path);
    assert.equal(summary.loaded, GOOD_RECORDS);
    assert.equal(summary.rejected, BAD_LINES.size);
    assert.deepEqual(
      summary.badRecords.map((b) => [b.line, b.code]),
      [
        [5, 'WRONG_TYPE'],
        [17, 'INVALID_JSON'],
        [30, 'TIMESTAMP_OUT_OF_RANGE'],
      ],
    );
    assert.equal(lake.rowsOf(BRONZE_QUARANTINE).length, BAD_LINES.size);
  });

  it('loads nothing the second time the same file is loaded', async () => {
    const lake = new InMemoryLake();
    await (await loaderOver(lake)).load(path);
    const again = await (await loaderOver(lake)).load(path);
    assert.equal(again.resumedFrom, GOOD_RECORDS + BAD_LINES.size);
    assert.equal(again.loaded, 0);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, GOOD_RECORDS);
    assert.equal(lake.rowsOf(BRONZE_QUARANTINE).length, BAD_LINES.size);
  });

  it('writes the same rows when each batch reuses the memory of the batch committed before it', async () => {
    // Optional fields present in a pattern that differs from batch to batch: a bitmap or an offset left over from
    // the reused batch would show.
    const mixed = join(dir, 'mixed.ndjson');
    const lines = Array.from({ length: MIXED_RECORDS }, (_, i) =>
      JSON.stringify({
        symbol: i % 3 === 0 ? 'AAPL' : 'MSFT',
        price: 100 + i / 8,
        volume: i,
        timestamp: `2024-01-02 10:${String(i % 60).padStart(2, '0')}:00`,
        ...(i % 5 < 2 && { bid: 99 + i / 8 }),
        ...(i % 7 < 3 && { trade_id: `t-${i}` }),
        ...(i % 4 === 0 && { exchange: i % 8 === 0 ? 'XNAS' : 'XNYS' }),
      }),
    );
    await writeFile(mixed, lines.join('\n') + '\n');
    const fresh = new CopyingLake();
    await (await loaderOver(fresh)).load(mixed);
    const reused = new CopyingLake();
    const summary = await (await loaderOver(reused, { ...OPTIONS, reuseBatchMemory: true })).load(mixed);
    assert.ok(summary.commits.length > 2, 'batches must have been reused');
    assert.deepEqual(bronzeValues(reused), bronzeValues(fresh));
    assert.equal(reused.rowsOf(BRONZE_TICKS).length, MIXED_RECORDS);
  });

  it('refuses to read rows a lake kept after their batch was reused, rather than return another batch’s', async () => {
    const keeping = new InMemoryLake();
    await (await loaderOver(keeping, { ...OPTIONS, reuseBatchMemory: true })).load(path);
    assert.throws(() => keeping.rowsOf(BRONZE_TICKS)[0]!.tick, /took over its memory/);
  });

  it('resumes after a crash mid-file with no gap and no duplicate', async () => {
    const CRASH_AT_COMMIT = 4;
    const lake = new CrashingLake(CRASH_AT_COMMIT);
    await assert.rejects((await loaderOver(lake)).load(path), /killed mid-file/);
    const committedBeforeCrash = lake.rowsOf(BRONZE_TICKS).length;
    assert.ok(committedBeforeCrash > 0 && committedBeforeCrash < GOOD_RECORDS);

    const resumed = await (await loaderOver(lake)).load(path);
    assert.equal(resumed.resumedFrom, (CRASH_AT_COMMIT - 1) * COMMIT_RECORDS);
    const records = fileRecordsIn(lake).sort((a, b) => a - b);
    const goodIndices = [...Array(GOOD_RECORDS + BAD_LINES.size).keys()].filter((i) => !BAD_LINES.has(i + 1));
    assert.deepEqual(records, goodIndices);
    assert.equal(lake.rowsOf(BRONZE_QUARANTINE).length, BAD_LINES.size);
  });
});
