import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DeltaLake,
  InMemoryLake,
  type LateStatus,
  silverTicksTable,
  type SilverTickRow,
} from '@lakehouse/lake';
import { DeltaSilverReader, InMemorySilverReader } from './silver-reader';

const TABLE = silverTicksTable(['x']);
const DAY_US = 86_400_000_000n;
const DAY1_US = BigInt(Date.UTC(2026, 0, 5)) * 1000n;
const PER_SYMBOL = 3;

let seq = 0n;
function row(
  symbol: string,
  day: number,
  secondOfDay: number,
  lateStatus: LateStatus = 'on_time',
): SilverTickRow {
  seq += 1n;
  return {
    eventId: `${symbol}-${day}-${secondOfDay}-${seq}`,
    symbol,
    eventTimeUs: DAY1_US + BigInt(day) * DAY_US + BigInt(secondOfDay) * 1_000_000n,
    price: 100,
    volume: 1n,
    tradeId: null,
    exchange: null,
    source: 'live',
    bronzeVersion: seq / 4n + 1n,
    bronzeSeq: seq % 4n,
    lateStatus,
    featureVersion: null,
    features: null,
    refinedTimeUs: 0n,
  };
}

/** A symbol trading every day, one that stopped on day 0, one with a tie at its last time, and a late tick. */
function rows(): SilverTickRow[] {
  return [
    ...Array.from({ length: 10 }, (_, i) => row('AAA', 0, i)),
    ...Array.from({ length: 5 }, (_, i) => row('BBB', 0, 100 + i)),
    row('AAA', 1, 5),
    row('AAA', 1, 9),
    row('AAA', 0, 50, 'late'),
    row('AAA', 2, 1),
    row('CCC', 2, 7),
    row('CCC', 2, 7),
    row('AAA', 2, 3),
  ];
}

describe('DeltaSilverReader', () => {
  const roots: string[] = [];
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('returns the same tails as the in-memory reader, reading back only as many dates as the tails need', async () => {
    const root = await mkdtemp(join(tmpdir(), 'silver-reader-'));
    roots.push(root);
    const delta = new DeltaLake(root);
    const memory = new InMemoryLake();
    const all = rows();
    for (const lake of [delta, memory]) {
      await lake.ensureTable(TABLE);
      await lake.append(TABLE, all, []);
    }
    const ids = (tails: Map<string, { eventId: string }[]>): Record<string, string[]> =>
      Object.fromEntries(
        [...tails].map(([s, ticks]): [string, string[]] => [s, ticks.map((t) => t.eventId)]).sort(),
      );
    for (const before of [undefined, 5n]) {
      const fromDelta = ids(await new DeltaSilverReader(delta, TABLE).trailingApplied(PER_SYMBOL, before));
      const fromMemory = ids(
        await new InMemorySilverReader(memory, TABLE).trailingApplied(PER_SYMBOL, before),
      );
      assert.deepEqual(fromDelta, fromMemory);
    }
    const tails = ids(await new DeltaSilverReader(delta, TABLE).trailingApplied(PER_SYMBOL));
    // AAA: its last 3 applied ticks span days 1 and 2 (the late tick never counts).
    assert.deepEqual(
      tails.AAA,
      [16, 18, 21].map((i) => all[i]!.eventId),
    );
    assert.deepEqual(
      tails.BBB,
      all.slice(12, 15).map((r) => r.eventId),
    );
    assert.deepEqual(tails.CCC, [all[19]!.eventId, all[20]!.eventId]);
  });
});
