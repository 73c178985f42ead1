import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { BRONZE_TICKS, DeltaLake } from '@lakehouse/lake';
import { BronzeExactlyOnce } from '../bronze/bronze-exactly-once';
import { TickFileLoader } from './tick-file-loader';

const SAMPLE = resolve(__dirname, '../../../../data/sample/ticks.ndjson');
const SAMPLE_TICKS = 40_248;
const COMMIT_RECORDS = 15_000;
const hooks = { nowUs: () => BigInt(Date.now()) * 1000n, nowMs: () => performance.now() };

describe('the batch loader on a real Delta table', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loader-int-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function load(): Promise<Awaited<ReturnType<TickFileLoader['load']>>> {
    const bronze = new BronzeExactlyOnce(new DeltaLake(root));
    await bronze.ensureTables();
    const loader = new TickFileLoader(
      bronze,
      {
        parser: { exchangeTimeZone: 'America/New_York' },
        commitRecords: COMMIT_RECORDS,
        reportBadRecords: 5,
      },
      hooks,
    );
    return loader.load(SAMPLE);
  }

  it('loads the shipped sample into bronze.ticks once, however often it is loaded', async () => {
    const first = await load();
    assert.equal(first.loaded, SAMPLE_TICKS);
    assert.equal(first.rejected, 0);
    assert.equal(first.commits.length, Math.ceil(SAMPLE_TICKS / COMMIT_RECORDS));
    const second = await load();
    assert.equal(second.loaded, 0);
    assert.equal(second.resumedFrom, SAMPLE_TICKS);
    const table = await DeltaTable.open(join(root, BRONZE_TICKS.path));
    const rows = await table.toArrow({ columns: ['symbol', 'source', 'file_record'] });
    assert.equal(rows.numRows, SAMPLE_TICKS);
    assert.deepEqual(new Set(rows.getChild('symbol')!.toArray() as string[]), new Set(['SPX', 'IXIC']));
    assert.equal(rows.getChild('source')!.get(0), `batch:${first.fileId}`);
  });
});
