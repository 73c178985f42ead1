import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import {
  DeltaLake,
  GOLD_BARS_1M,
  SILVER_POSITION_APP_ID,
  type SilverTickRow,
  silverTicksTable,
} from '@lakehouse/lake';
import { errorCode } from '@lakehouse/platform';
import { recomputeBars, untilSilverCovers } from './gold-bars';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';
import { GoldReader } from './gold-reader';

const MINUTE_US = 60_000_000n;
const T0 = 1_767_623_400_000_000n; // 2026-01-05T14:30:00Z, a minute boundary
const SILVER = silverTicksTable([]);

function tick(n: number, symbol: string, offsetUs: bigint, price: number, volume: bigint): SilverTickRow {
  return {
    eventId: n.toString(16).padStart(64, '0'),
    symbol,
    eventTimeUs: T0 + offsetUs,
    price,
    volume,
    tradeId: null,
    exchange: null,
    source: 'live',
    bronzeVersion: 1n,
    bronzeSeq: BigInt(n),
    lateStatus: 'on_time',
    featureVersion: null,
    features: null,
    refinedTimeUs: T0,
  };
}

describe('gold.bars_1m from silver.ticks', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gold-bars-int-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('has no bars to write while silver.ticks does not exist yet', async () => {
    const result = await recomputeBars(new GoldReader(join(root, 'no-silver')), [
      { symbol: 'SPX', minuteStartUs: T0 },
    ]);
    assert.deepEqual(result.bars, []);
  });

  it('recomputes whole OHLCV bars of the touched minutes from Silver, so a replay cannot double a volume', async () => {
    const lake = new DeltaLake(root);
    await lake.ensureTable(SILVER);
    await lake.append(
      SILVER,
      [
        tick(1, 'SPX', 5_000_000n, 101, 10n),
        tick(2, 'SPX', 1_000_000n, 100, 5n),
        tick(3, 'SPX', 59_000_000n, 99, 1n),
        tick(4, 'SPX', 30_000_000n, 104, 2n),
        tick(5, 'SPX', MINUTE_US + 1n, 200, 7n),
        tick(6, 'DJI', 2_000_000n, 50, 3n),
      ],
      [],
    );
    const reader = new GoldReader(root);
    const gold = new GoldExactlyOnce(lake);
    await gold.ensureTables();
    const touched = [{ symbol: 'SPX', minuteStartUs: T0 }];
    const appId = goldAppId('ticks.refined', 0);
    for (const lastPosition of [3n, 4n]) {
      const { bars, silverVersion } = await recomputeBars(reader, touched);
      await gold.commitBars({
        appId,
        lastPosition,
        rows: bars.map((bar) => ({ bar, silverVersion, updatedTimeUs: T0 })),
      });
    }
    const rows = (await (await DeltaTable.open(lake.uriOf(GOLD_BARS_1M))).toArrow())
      .toArray()
      .map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());
    assert.equal(rows.length, 1, 'one bar: only the touched minute of the touched symbol, upserted twice');
    const bar = rows[0]!;
    assert.deepEqual(
      [bar.symbol, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.tick_count],
      ['SPX', 100, 104, 99, 99, 18, 4n],
    );
    assert.equal(await new GoldExactlyOnce(new DeltaLake(root)).positionOf('bars', appId), 4n);
  });

  it('waits for silver.ticks to cover the Bronze version refined records name, and gives up with SILVER_BEHIND', async () => {
    const lake = new DeltaLake(join(root, 'behind'));
    const reader = new GoldReader(join(root, 'behind'));
    const quick = { pollMs: 10, waitMs: 300 };
    // No Silver yet: nothing covers anything.
    await assert.rejects(
      untilSilverCovers(reader, 1n, quick),
      (e: unknown) => errorCode(e) === 'SILVER_BEHIND',
    );
    await lake.ensureTable(SILVER);
    await lake.append(
      SILVER,
      [tick(1, 'SPX', 0n, 100, 1n)],
      [{ appId: SILVER_POSITION_APP_ID, version: 3n }],
    );
    await untilSilverCovers(reader, 3n, quick);
    await assert.rejects(
      untilSilverCovers(reader, 4n, quick),
      (e: unknown) => errorCode(e) === 'SILVER_BEHIND' && /covers Bronze v3 .* need v4/.test(String(e)),
    );
    // The refiner commits while the bars wait: the wait ends with that commit.
    const waiting = untilSilverCovers(reader, 5n, { pollMs: 10, waitMs: 10_000 });
    await lake.append(
      SILVER,
      [tick(2, 'SPX', 1n, 101, 1n)],
      [{ appId: SILVER_POSITION_APP_ID, version: 5n }],
    );
    await waiting;
  });
});
