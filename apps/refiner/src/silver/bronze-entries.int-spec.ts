import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BRONZE_TICKS } from '@lakehouse/lake';
import { bronzeEntriesOf, bronzeEntriesOfCommits } from './bronze-entries';
import { deltaKit, series } from './refiner-test-kit';

describe('Bronze entries from handed-over rows (real Delta)', () => {
  const roots: string[] = [];
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('equal the entries of the same versions read from the change feed, optional columns included', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bronze-entries-'));
    roots.push(root);
    const k = await deltaKit(root);
    const ticks = series('AAPL', 6).map((t, i) => ({
      ...t,
      ...(i % 2 === 0
        ? { tradeId: `t${i}`, bid: t.price - 0.01, ask: t.price + 0.01, exchange: 'XNAS' }
        : {}),
    }));
    const v1 = await k.bronze(ticks.slice(0, 3));
    const v2 = await k.bronze(ticks.slice(3));
    const fromFeed = bronzeEntriesOf(await k.lake.changes(BRONZE_TICKS, v1 - 1n, v2));
    const handed = bronzeEntriesOfCommits([
      { version: v1, rows: k.bronzeRowsOf(v1) },
      { version: v2, rows: k.bronzeRowsOf(v2) },
    ]);
    assert.equal(fromFeed.length, 6);
    assert.equal(
      fromFeed[0]?.tick.exchange,
      'XNAS',
      'the optional columns are filled where the tick had them',
    );
    assert.deepEqual(handed, fromFeed);
  });
});
