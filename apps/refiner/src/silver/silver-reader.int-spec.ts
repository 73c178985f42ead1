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
const PLAN = { ticks: 3, lookback: null };

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
    const plans = [
      PLAN,
      // Seconds label horizons: everything within the lookback of each symbol's latest, and 2 ticks before it.
      { ticks: 1, lookback: { lookbackUs: DAY_US + DAY_US / 2n, ticksBeforeLookback: 2 } },
      { ticks: 1, lookback: { lookbackUs: 10_000_000n, ticksBeforeLookback: 1 } },
    ];
    for (const plan of plans) {
      for (const before of [undefined, 5n]) {
        const fromDelta = ids(await new DeltaSilverReader(delta, TABLE).trailingApplied(plan, before));
        const fromMemory = ids(await new InMemorySilverReader(memory, TABLE).trailingApplied(plan, before));
        assert.deepEqual(fromDelta, fromMemory);
      }
    }
    // AAA's latest is day 2 at 3 s: 1.5 days back reaches day 1 at 5 s and 9 s, and 2 ticks before them on day 0.
    const wide = ids(await new DeltaSilverReader(delta, TABLE).trailingApplied(plans[1]!));
    assert.deepEqual(
      wide.AAA,
      [8, 9, 15, 16, 18, 21].map((i) => all[i]!.eventId),
    );
    const tails = ids(await new DeltaSilverReader(delta, TABLE).trailingApplied(PLAN));
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

  it('finds the late rows and reads what the late repair re-steps, as the in-memory reader does', async () => {
    const root = await mkdtemp(join(tmpdir(), 'silver-reader-late-'));
    roots.push(root);
    const delta = new DeltaLake(root);
    const memory = new InMemoryLake();
    // A repaired tick counts as applied: on day 0 at 8.5 s, between two on-time ones.
    const all = [...rows(), { ...row('AAA', 0, 8, 'repaired'), eventTimeUs: DAY1_US + 8_500_000n }];
    for (const lake of [delta, memory]) {
      await lake.ensureTable(TABLE);
      await lake.append(TABLE, all, []);
    }
    const readers = [new DeltaSilverReader(delta, TABLE), new InMemorySilverReader(memory, TABLE)];
    const late = await Promise.all(readers.map((r) => r.lateSymbols()));
    assert.deepEqual(late[0], new Map([['AAA', all[17]!.eventTimeUs]]));
    assert.deepEqual(late[1], late[0]);
    assert.deepEqual(await readers[0]!.lateSymbols(new Set(['BBB'])), new Map());
    const ids = (list: readonly { eventId: string }[]) => list.map((r) => r.eventId).sort();
    const inputs = await Promise.all(readers.map((r) => r.repairInput('AAA', all[17]!.eventTimeUs, PLAN)));
    // The warm-up: the last 3 applied ticks before the late one, in replay order (the repaired one among them).
    assert.deepEqual(
      inputs[0]!.warmup.map((r) => r.eventId),
      [all[8]!.eventId, all[22]!.eventId, all[9]!.eventId],
    );
    assert.deepEqual(ids(inputs[0]!.rows), ids([15, 16, 17, 18, 21].map((i) => all[i]!)));
    assert.deepEqual(ids(inputs[1]!.warmup), ids(inputs[0]!.warmup));
    assert.deepEqual(ids(inputs[1]!.rows), ids(inputs[0]!.rows));
  });
});
