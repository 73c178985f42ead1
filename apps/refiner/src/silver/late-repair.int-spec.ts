import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeTickOutcomes, InMemoryMessageProducer, type TickOutcome, TOPICS } from '@lakehouse/bus';
import { SqlSession } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import { DeltaLake, isCommitConflict, silverTicksTable, type SilverTickRow } from '@lakehouse/lake';
import { Logger } from '@nestjs/common';
import { runRepairLate } from '../cli/repair-late.command';
import { runVerify } from '../cli/verify.command';
import { tickOutcomeOf } from '../refiner.service';
import { LateRepair } from './late-repair';
import { type DeltaKit, deltaKit, series, type TickFields } from './refiner-test-kit';
import { SilverExactlyOnce } from './silver-exactly-once';
import { DeltaSilverReader } from './silver-reader';
import { silverRowsOf } from './silver-rows';

Logger.overrideLogger(false);
const NAMES = featureNames(DEFAULT_FEATURE_CONFIG);
const TABLE = silverTicksTable(NAMES);
const MODEL = { features: DEFAULT_FEATURE_CONFIG, labels: DEFAULT_LABEL_DEFINITION };
const SYMBOLS = ['AAPL', 'MSFT'];
const TICKS_PER_SYMBOL = 160;
const PER_VERSION = 12;
/** Ticks delivered 3 ticks (3 s) after their time: late, within the 5 s watermark. */
const LATE = [20, 95, 130];
/** Delivered 8 ticks after its time: expired. */
const EXPIRED = 60;
/** A second event at the same time as this tick, delivered 2 ticks later: late, tied with an on-time tick. */
const TIED = 110;
/** When the kill -9 lands after the CLI process starts: during start-up, the reads, the MERGE, or after it. */
const KILL_AFTER_MS = [200, 400, 500, 600, 700, 800, 1000];
const CLI = join(__dirname, '..', 'cli.js');

/** One symbol's arrival order: the series with some ticks moved later. */
function arrivals(symbol: string): TickFields[] {
  const ticks = series(symbol, TICKS_PER_SYMBOL);
  const moved = new Map<number, TickFields[]>();
  const held = new Set([...LATE, EXPIRED]);
  for (const k of LATE) moved.set(k + 3, [...(moved.get(k + 3) ?? []), ticks[k]!]);
  moved.set(EXPIRED + 8, [...(moved.get(EXPIRED + 8) ?? []), ticks[EXPIRED]!]);
  moved.set(TIED + 2, [...(moved.get(TIED + 2) ?? []), { ...ticks[TIED]!, price: ticks[TIED]!.price + 3 }]);
  return ticks.flatMap((t, i) => [...(held.has(i) ? [] : [t]), ...(moved.get(i) ?? [])]);
}

/** Interleaved Bronze versions of every symbol's arrivals. */
function versionsOf(bySymbol: readonly TickFields[][]): TickFields[][] {
  const versions: TickFields[][] = [];
  const longest = Math.max(...bySymbol.map((s) => s.length));
  for (let at = 0; at < longest; at += PER_VERSION) {
    versions.push(bySymbol.flatMap((s) => s.slice(at, at + PER_VERSION)));
  }
  return versions;
}

/** A Delta kit with the default features and labels, one Bronze version per refiner commit, in its own directory. */
async function lakeside(roots: string[], name: string): Promise<DeltaKit> {
  const root = await mkdtemp(join(tmpdir(), `late-repair-${name}-`));
  roots.push(root);
  return deltaKit(root, {
    features: DEFAULT_FEATURE_CONFIG,
    labels: DEFAULT_LABEL_DEFINITION,
    maxVersionsPerCommit: 1,
  });
}

async function rowsOf(lake: DeltaLake): Promise<Map<string, SilverTickRow>> {
  const session = SqlSession.create();
  await session.register('s', await lake.handle(TABLE));
  return new Map(silverRowsOf(await session.sql('SELECT * FROM s'), NAMES).map((r) => [r.eventId, r]));
}

async function repairOf(lake: DeltaLake): Promise<{ repair: LateRepair; silver: SilverExactlyOnce }> {
  const silver = new SilverExactlyOnce(lake, TABLE, NAMES);
  await silver.resume();
  return { repair: new LateRepair(silver, new DeltaSilverReader(lake, TABLE), MODEL), silver };
}

type Outcome = TickOutcome;

function outcomesOf(producer: InMemoryMessageProducer): Map<string, Outcome> {
  const byEvent = new Map<string, Outcome>();
  for (const m of producer.messages(TOPICS.ticksOutcomes)) {
    for (const o of decodeTickOutcomes(m.value)) byEvent.set(o.eventId, o);
  }
  return byEvent;
}

const labelOf = (o: Outcome | undefined) =>
  o === undefined
    ? undefined
    : { horizon: o.horizonEventId, r: o.realizedReturn, threshold: o.threshold, label: o.label };

describe('late repair on real Delta tables', { timeout: 300_000 }, () => {
  const roots: string[] = [];
  const bySymbol = SYMBOLS.map(arrivals);
  let live: DeltaKit;
  let ordered: DeltaKit;
  let expiredIds: Set<string>;

  before(async () => {
    live = await lakeside(roots, 'live');
    for (const v of versionsOf(bySymbol)) await live.bronze(v);
    await live.refiner().catchUp();
    const stored = [...(await rowsOf(live.lake)).values()];
    expiredIds = new Set(stored.filter((r) => r.lateStatus === 'expired').map((r) => r.eventId));
    assert.equal(expiredIds.size, SYMBOLS.length);
    assert.equal(stored.filter((r) => r.lateStatus === 'late').length, SYMBOLS.length * (LATE.length + 1));

    // The reference: the same ticks (expired ones aside) delivered in event-time order, ties in arrival order.
    ordered = await lakeside(roots, 'ordered');
    const byTime = bySymbol.map((ticks) =>
      ticks
        .map((t, i) => ({ t, i }))
        .filter(({ t }) => !(t.timestamp === series(t.symbol, TICKS_PER_SYMBOL)[EXPIRED]!.timestamp))
        .sort((a, b) => a.t.timestamp - b.t.timestamp || a.i - b.i)
        .map(({ t }) => t),
    );
    for (const v of versionsOf(byTime)) await ordered.bronze(v);
    await ordered.refiner().catchUp();
  });

  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('fails with COMMIT_CONFLICT when a refiner commit lands between its read and its commit, writing nothing', async () => {
    const { repair } = await repairOf(live.lake);
    const before = await live.lake.latestVersion(TABLE);
    // Another writer of the same position (here: a second refiner resuming) commits after the repair resumed.
    const tick = { symbol: 'ZZZ', price: 10, volume: 1, timestamp: series('ZZZ', 1)[0]!.timestamp };
    await live.bronze([tick]);
    await live.refiner().catchUp();
    const committed = await live.lake.latestVersion(TABLE);
    assert.ok(committed! > before!);
    await assert.rejects(repair.run(), (error: unknown) => isCommitConflict(error));
    assert.equal(await live.lake.latestVersion(TABLE), committed);
  });

  it('converges after a crash between its outcome re-emits and its commit', async () => {
    const { repair } = await repairOf(live.lake);
    const version = await live.lake.latestVersion(TABLE);
    await assert.rejects(repair.run({ beforeCommit: () => Promise.reject(new Error('killed')) }), /killed/);
    assert.equal(await live.lake.latestVersion(TABLE), version);
  });

  it('gives the late ticks and the rows after them the features of event-time order, once', async () => {
    const { repair } = await repairOf(live.lake);
    const reemitted: Outcome[] = [];
    const result = await repair.run({
      beforeCommit: (outcomes) => {
        for (const o of outcomes) reemitted.push(tickOutcomeOf(o, 0n));
        return Promise.resolve();
      },
    });
    assert.equal(result.symbols, SYMBOLS.length);
    assert.equal(result.repaired, SYMBOLS.length * (LATE.length + 1));
    assert.ok(result.recomputed > 0);
    assert.ok(result.version !== undefined);

    const [repaired, expected] = [await rowsOf(live.lake), await rowsOf(ordered.lake)];
    for (const [id, row] of repaired) {
      if (row.symbol === 'ZZZ') continue;
      if (expiredIds.has(id)) {
        assert.equal(row.lateStatus, 'expired');
        assert.equal(row.features, null);
        continue;
      }
      assert.ok(row.lateStatus === 'on_time' || row.lateStatus === 'repaired', `${id} is ${row.lateStatus}`);
      assert.deepEqual(row.features, expected.get(id)?.features, `features of ${id}`);
    }
    assert.equal([...repaired.values()].filter((r) => r.lateStatus === 'repaired').length, result.repaired);

    // Gold's view of the outcomes (upserted by event id): the live ones, then the re-emitted ones.
    const gold = outcomesOf(live.producer);
    for (const o of reemitted) gold.set(o.eventId, o);
    const reference = outcomesOf(ordered.producer);
    for (const [id, o] of reference) assert.deepEqual(labelOf(gold.get(id)), labelOf(o), `outcome of ${id}`);
    assert.equal(gold.size, reference.size);

    const again = await (await repairOf(live.lake)).repair.run();
    assert.deepEqual(
      { repaired: again.repaired, recomputed: again.recomputed, version: again.version },
      { repaired: 0, recomputed: 0, version: undefined },
    );
  });

  it('leaves, with the live refiner repairing as it goes (version by version, restarted every third), the rows of event-time order', async () => {
    const side = await lakeside(roots, 'live-repair');
    let refiner = side.refiner({ repairLate: true });
    for (const [i, v] of versionsOf(bySymbol).entries()) {
      await side.bronze(v);
      await refiner.catchUp();
      if (i % 3 === 2) refiner = side.refiner({ repairLate: true });
    }
    const [repaired, expected] = [await rowsOf(side.lake), await rowsOf(ordered.lake)];
    assert.equal(repaired.size, expected.size + expiredIds.size);
    for (const [id, row] of repaired) {
      if (expiredIds.has(id)) continue;
      assert.notEqual(row.lateStatus, 'late', id);
      assert.deepEqual(row.features, expected.get(id)?.features, `features of ${id}`);
    }
    const gold = outcomesOf(side.producer);
    const reference = outcomesOf(ordered.producer);
    assert.equal(gold.size, reference.size);
    for (const [id, o] of reference) assert.deepEqual(labelOf(gold.get(id)), labelOf(o), `outcome of ${id}`);
  });

  it('resumes a refiner on the repaired Silver with the books in-order arrival gives', async () => {
    // The next ticks of every symbol: their features show the books the restarted refiner rebuilt.
    const next = SYMBOLS.map((s) => series(s, TICKS_PER_SYMBOL + 3).slice(TICKS_PER_SYMBOL));
    for (const side of [live, ordered]) {
      await side.bronze(next.flat());
      await side.refiner().catchUp();
    }
    const [a, b] = [await rowsOf(live.lake), await rowsOf(ordered.lake)];
    for (const ticks of next) {
      for (const t of ticks) {
        const id = [...b.values()].find(
          (r) => r.symbol === t.symbol && r.eventTimeUs === BigInt(t.timestamp) * 1000n,
        )!.eventId;
        assert.deepEqual(
          a.get(id)?.features,
          b.get(id)?.features,
          `features of ${t.symbol} at ${t.timestamp}`,
        );
        assert.equal(a.get(id)?.lateStatus, 'on_time');
      }
    }
  });

  it('repairs through `refiner repair-late --json`, then verify passes, and a rerun changes nothing', async () => {
    const side = await lakeside(roots, 'cli');
    for (const v of versionsOf(bySymbol)) await side.bronze(v);
    await side.refiner().catchUp();
    const lines: string[] = [];
    assert.equal(await runRepairLate(['--json'], { LAKE_ROOT: side.root }, (l) => lines.push(l)), 0);
    const summary = JSON.parse(lines[0]!) as { repaired: number; silverVersion: string | null };
    assert.equal(summary.repaired, SYMBOLS.length * (LATE.length + 1));
    assert.notEqual(summary.silverVersion, null);
    const verified: string[] = [];
    assert.equal(
      await runVerify([], { LAKE_ROOT: side.root }, (l) => verified.push(l)),
      0,
      verified.join('\n'),
    );
    const version = await side.lake.latestVersion(TABLE);
    lines.length = 0;
    assert.equal(await runRepairLate(['--json'], { LAKE_ROOT: side.root }, (l) => lines.push(l)), 0);
    const rerun = JSON.parse(lines[0]!) as {
      repaired: number;
      recomputed: number;
      silverVersion: string | null;
    };
    assert.deepEqual([rerun.repaired, rerun.recomputed, rerun.silverVersion], [0, 0, null]);
    assert.equal(await side.lake.latestVersion(TABLE), version);
  });

  it('leaves the table an uninterrupted run leaves after a kill -9 of `refiner repair-late` at any point and a rerun', async () => {
    const base = await lakeside(roots, 'kill-base');
    for (const v of versionsOf(bySymbol)) await base.bronze(v);
    await base.refiner().catchUp();
    const uninterrupted = await mkdtemp(join(tmpdir(), 'late-repair-kill-ref-'));
    roots.push(uninterrupted);
    await cp(base.root, uninterrupted, { recursive: true });
    assert.equal(await runRepairLate([], { LAKE_ROOT: uninterrupted }, () => undefined), 0);
    const expected = await rowsOf(new DeltaLake(uninterrupted));
    for (const killAfterMs of KILL_AFTER_MS) {
      const root = await mkdtemp(join(tmpdir(), 'late-repair-kill-'));
      roots.push(root);
      await cp(base.root, root, { recursive: true });
      const child = spawn(process.execPath, [CLI, 'repair-late'], {
        env: { ...process.env, LAKE_ROOT: root },
        stdio: 'ignore',
      });
      const exited = once(child, 'exit');
      await new Promise((r) => setTimeout(r, killAfterMs));
      child.kill('SIGKILL');
      await exited;
      assert.equal(await runRepairLate([], { LAKE_ROOT: root }, () => undefined), 0);
      assert.deepEqual(await rowsOf(new DeltaLake(root)), expected, `killed after ${killAfterMs} ms`);
    }
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const errors: string[] = [];
    const code = await runRepairLate(
      ['--bogus'],
      { LAKE_ROOT: live.root },
      () => undefined,
      (l) => errors.push(l),
    );
    assert.equal(code, 2);
    assert.match(errors.join('\n'), /Unknown option '--bogus'[\s\S]*refiner repair-late \[--target/);
    assert.equal(
      await runRepairLate(
        ['extra'],
        { LAKE_ROOT: live.root },
        () => undefined,
        () => undefined,
      ),
      2,
    );
  });
});
