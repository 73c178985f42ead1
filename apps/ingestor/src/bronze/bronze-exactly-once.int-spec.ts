import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { BRONZE_QUARANTINE, BRONZE_TICKS, type BronzeSource, DeltaLake } from '@lakehouse/lake';
import { BronzeExactlyOnce, type BronzeSlice, liveAppId } from './bronze-exactly-once';
import { toBronzeOutcome } from './bronze-rows';

const INGEST_US = 1_732_000_000_000_000n;
const TOPIC = 'ticks.raw';
const OPTIONS = { exchangeTimeZone: 'America/New_York' };
const good = (n: number): string =>
  JSON.stringify({ symbol: 'AAPL', price: 100 + n, volume: n, timestamp: 1_704_207_600_000 + n });

function sliceOf(partition: number, firstOffset: number, payloads: readonly string[]): BronzeSlice {
  const rows: BronzeSlice['rows'][number][] = [];
  const rejects: BronzeSlice['rejects'][number][] = [];
  payloads.forEach((payload, i) => {
    const offset = BigInt(firstOffset + i);
    const source: BronzeSource = { kind: 'live', topic: TOPIC, partition, offset };
    const outcome = toBronzeOutcome(Buffer.from(payload), source, INGEST_US, OPTIONS);
    if (outcome.kind === 'row') rows.push(outcome.row);
    else rejects.push({ position: offset, row: outcome.reject });
  });
  return {
    appId: liveAppId(TOPIC, partition),
    lastPosition: BigInt(firstOffset + payloads.length - 1),
    rows,
    rejects,
  };
}

async function countRows(
  lake: DeltaLake,
  table: typeof BRONZE_TICKS | typeof BRONZE_QUARANTINE,
): Promise<number> {
  return (await DeltaTable.open(lake.uriOf(table))).toArrow().then((t) => t.numRows);
}

describe('BronzeExactlyOnce on Delta tables', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'bronze-int-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores offsets in the Delta log with the rows, and a fresh writer reads them back', async () => {
    const lake = new DeltaLake(join(root, 'a'));
    const writer = new BronzeExactlyOnce(lake);
    await writer.ensureTables();
    await writer.commit([sliceOf(0, 0, [good(0), good(1)]), sliceOf(1, 10, [good(2)])]);
    const fresh = new BronzeExactlyOnce(new DeltaLake(join(root, 'a')));
    const stored = await fresh.loadPositions([liveAppId(TOPIC, 0), liveAppId(TOPIC, 1), liveAppId(TOPIC, 2)]);
    assert.deepEqual([...stored.values()], [1n, 10n, undefined]);
    assert.equal(await countRows(lake, BRONZE_TICKS), 3);
  });

  it('advances the position of a batch of rejects with a commit that adds no rows', async () => {
    const lake = new DeltaLake(join(root, 'b'));
    const writer = new BronzeExactlyOnce(lake);
    await writer.ensureTables();
    await writer.commit([sliceOf(0, 0, ['{', 'null'])]);
    assert.equal(await countRows(lake, BRONZE_TICKS), 0);
    assert.equal(await countRows(lake, BRONZE_QUARANTINE), 2);
    assert.equal(await new BronzeExactlyOnce(lake).positionOf(liveAppId(TOPIC, 0)), 1n);
  });

  it('refuses, as COMMIT_CONFLICT, a writer that covers offsets another writer committed since it read them', async () => {
    const lakeA = new DeltaLake(join(root, 'c'));
    const zombie = new BronzeExactlyOnce(lakeA);
    await zombie.ensureTables();
    const owner = new BronzeExactlyOnce(new DeltaLake(join(root, 'c')));
    const appId = liveAppId(TOPIC, 3);
    await zombie.positionOf(appId);
    await owner.positionOf(appId);
    await owner.commit([sliceOf(3, 0, [good(0), good(1), good(2)])]);
    await assert.rejects(zombie.commit([sliceOf(3, 0, [good(0), good(1), good(2)])]), {
      code: 'COMMIT_CONFLICT',
    });
    assert.equal(await countRows(lakeA, BRONZE_TICKS), 3);
    assert.equal(await zombie.positionOf(appId), 2n);
  });
});
