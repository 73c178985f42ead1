import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeRefinedTicks } from '@lakehouse/bus';
import { featureNames } from '@lakehouse/domain';
import { type LakeError, SILVER_QUARANTINE, silverTicksTable } from '@lakehouse/lake';
import { SqlSession } from '@lakehouse/delta';
import { deltaKit, series, SMALL_FEATURES, type TickFields } from './refiner-test-kit';
import { SILVER_APP_ID } from './silver-exactly-once';

const NAMES = featureNames(SMALL_FEATURES);
const TABLE = silverTicksTable(NAMES);
const roots: string[] = [];

/** A Delta kit in its own temporary directory; Silver rows with the refine time blanked, for comparing runs. */
async function tempKit(maxVersionsPerCommit = 1000) {
  const root = await mkdtemp(join(tmpdir(), 'silver-int-'));
  roots.push(root);
  const k = await deltaKit(root, { maxVersionsPerCommit });
  return {
    ...k,
    silverRows: async () => (await k.silverRows()).map((r) => ({ ...r, refinedTimeUs: 0n })),
  };
}

/** Two symbols, interleaved, with replays and a late tick in later versions. */
function stream(): TickFields[][] {
  const a = series('AAPL', 30);
  const b = series('MSFT', 30);
  const versions: TickFields[][] = [];
  for (let v = 0; v < 6; v += 1) versions.push([...a.slice(v * 5, v * 5 + 5), ...b.slice(v * 5, v * 5 + 5)]);
  versions[3]!.push(
    a[12]!,
    { ...a[14]!, price: 55, timestamp: a[14]!.timestamp + 1 },
    { symbol: 'MSFT', price: -3, volume: 1, timestamp: b[0]!.timestamp },
  );
  versions[5]!.push(...versions[3]!.slice(-3));
  return versions;
}

describe('Silver exactly-once on real Delta tables', () => {
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('MERGEs each event once, quarantines rejects once, and records the Bronze position in the same commit', async () => {
    const k = await tempKit(2);
    let last = 0n;
    for (const v of stream()) last = await k.bronze(v);
    await k.refiner().catchUp();
    // A restart and a replay of every Bronze version change nothing.
    await k.refiner().catchUp();
    const rows = await k.silverRows();
    assert.equal(rows.length, 61);
    assert.equal(new Set(rows.map((r) => r.eventId)).size, 61);
    assert.equal(rows.filter((r) => r.lateStatus !== 'on_time').length, 1);
    const session = SqlSession.create();
    await session.register('q', await k.lake.handle(SILVER_QUARANTINE));
    // The invalid tick arrived twice (two Bronze rows): each Bronze row is accounted for once.
    const quarantined = await session.sql(
      'SELECT reason_codes, CAST(bronze_version AS INT) AS v FROM q ORDER BY bronze_version',
    );
    assert.deepEqual(
      quarantined.toArray().map((r) => JSON.stringify(r)),
      ['{"reason_codes":"PRICE_NOT_POSITIVE","v":4}', '{"reason_codes":"PRICE_NOT_POSITIVE","v":6}'],
    );
    const stored = await k.lake.transactionVersions(TABLE, [SILVER_APP_ID]);
    assert.equal(stored.versions.get(SILVER_APP_ID), last);
    // Announced once each before its commit; a replay that arrives late is announced once more (no window).
    const published = k.producer.messages('ticks.refined').flatMap((m) => decodeRefinedTicks(m.value)).length;
    assert.ok(published >= 61 && published <= 61 + 20, `published ${published}`);
  });

  it('gives the same Silver rows whether refined in one commit or one version per commit with restarts', async () => {
    const one = await tempKit(1000);
    const many = await tempKit(1);
    for (const v of stream()) {
      await one.bronze(v);
      await many.bronze(v);
      await many.refiner({ maxVersionsPerCommit: 1 }).catchUp();
    }
    await one.refiner().catchUp();
    const byId = (rows: Awaited<ReturnType<typeof one.silverRows>>) =>
      [...rows].sort((x, y) => (x.eventId < y.eventId ? -1 : 1));
    assert.deepEqual(byId(await many.silverRows()), byId(await one.silverRows()));
  });

  it('makes a second refiner fail with COMMIT_CONFLICT instead of duplicating', async () => {
    const k = await tempKit();
    await k.bronze(series('JPM', 3));
    const first = k.refiner();
    const second = k.refiner();
    await first.catchUp();
    await k.bronze(series('JPM', 6).slice(3));
    await second.catchUp();
    await k.bronze(series('JPM', 8).slice(6));
    await assert.rejects(
      first.catchUp(),
      (error: unknown) => (error as LakeError).code === 'COMMIT_CONFLICT',
    );
    await first.catchUp();
    assert.equal((await k.silverRows()).length, 8);
  });
});
