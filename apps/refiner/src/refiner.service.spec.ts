import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import {
  decodeRefinedTicks,
  decodeTickOutcomes,
  MAX_EVENTS_PER_OUTCOME_RECORD,
  MAX_EVENTS_PER_REFINED_RECORD,
  TOPICS,
} from '@lakehouse/bus';
import { computeEventId } from '@lakehouse/domain';
import { BRONZE_TICKS, type InMemoryLake, LakeError, SILVER_QUARANTINE } from '@lakehouse/lake';
import { PipelineMetrics } from '@lakehouse/platform';
import { SILVER_APP_ID } from './silver/silver-exactly-once';
import { SilverMetrics } from './silver/silver-metrics';
import { INGEST_MS, type Kit, kit, series, SMALL_FEATURES, type TickFields } from './silver/refiner-test-kit';

const idOf = (t: TickFields): string =>
  computeEventId({
    symbol: t.symbol,
    eventTimeUs: BigInt(t.timestamp) * 1000n,
    price: t.price,
    volume: t.volume,
    ...(t.tradeId === undefined ? {} : { tradeId: t.tradeId }),
  });

/** Silver holds each of `ticks` once, and each was announced once, in Bronze order. */
function assertEachOnce(k: Kit, ticks: readonly TickFields[]): void {
  assert.deepEqual(
    k.silverRows().map((r) => r.eventId),
    ticks.map(idOf),
  );
  assert.deepEqual(
    k.refined().map((r) => r.eventId),
    ticks.map(idOf),
    'each event announced once, in Bronze order',
  );
}

/** Records the source rows of every Silver MERGE on the kit's lake; the first one waits for `firstMayRun`. */
function mergeSizes(k: Kit, firstMayRun: Promise<void> = Promise.resolve()): number[] {
  const sizes: number[] = [];
  const original = k.lake.merge.bind(k.lake);
  k.lake.merge = async (...args: Parameters<InMemoryLake['merge']>) => {
    sizes.push(args[1].length);
    if (sizes.length === 1) await firstMayRun;
    return original(...args);
  };
  return sizes;
}

describe('RefinerService (Bronze → Silver, exactly once)', () => {
  it('merges valid ticks under their event id, quarantines invalid ones with every reason, and stores the position', async () => {
    const k = await kit();
    const good = series('AAPL', 3);
    const bad: TickFields = { symbol: 'aapl', price: -1, volume: 1.5, timestamp: INGEST_MS };
    const version = await k.bronze([...good, bad]);
    const summary = await k.refiner().catchUp();

    assert.deepEqual(
      k.silverRows().map((r) => r.eventId),
      good.map(idOf),
    );
    const [reject, ...more] = k.lake.rowsOf(SILVER_QUARANTINE);
    assert.equal(more.length, 0);
    assert.equal(reject?.reasonCodes, 'SYMBOL_FORMAT,PRICE_NOT_POSITIVE,VOLUME_NOT_INTEGER');
    assert.equal(reject?.kafkaOffset, 3n);
    assert.deepEqual(summary, { position: version, bronzeRows: 4, inserted: 3, quarantined: 1 });
    const stored = await k.lake.transactionVersions(k.table, [SILVER_APP_ID]);
    assert.equal(stored.versions.get(SILVER_APP_ID), version);
    // The records name the Bronze version Silver's position must reach before it holds them.
    assert.ok(k.refined().every((r) => r.bronzeVersion === version));
  });

  it('rejects a tick further ahead of its Bronze ingest time than the allowed clock skew', async () => {
    const k = await kit();
    await k.bronze([{ symbol: 'AAPL', price: 1, volume: 1, timestamp: INGEST_MS + 2 * 3_600_000 }]);
    await k.refiner().catchUp();
    assert.equal(k.lake.rowsOf(SILVER_QUARANTINE)[0]?.reasonCodes, 'EVENT_TIME_TOO_LATE');
  });

  it('quarantines a volume the int64 column cannot hold exactly instead of failing the whole chunk', async () => {
    const k = await kit();
    await k.bronze([...series('AAPL', 2), { symbol: 'AAPL', price: 1, volume: 1e19, timestamp: INGEST_MS }]);
    await k.refiner().catchUp();
    assert.equal(k.silverRows().length, 2);
    assert.equal(k.lake.rowsOf(SILVER_QUARANTINE)[0]?.reasonCodes, 'VOLUME_OUT_OF_RANGE');
  });

  it('keeps one row per event: duplicates in a chunk, across chunks and at the head are merged away', async () => {
    const k = await kit();
    const [a, b, c] = series('MSFT', 3) as [TickFields, TickFields, TickFields];
    await k.bronze([a, b, a]);
    const refiner = k.refiner({ maxVersionsPerCommit: 1 });
    await refiner.catchUp();
    await k.bronze([b, a, c]);
    await refiner.catchUp();
    assert.deepEqual(
      k.silverRows().map((r) => r.eventId),
      [a, b, c].map(idOf),
    );
    // Announced before the MERGE: the on-time events once; `b` again at the head is known to the books and
    // dropped; `a` again is older than the head, a late tick the books cannot tell from a new one, so it is
    // announced once more, without a window (nothing scores it), and the MERGE merges it away.
    const refined = k.refined();
    assert.deepEqual(
      refined.map((r) => r.eventId),
      [a, b, a, c].map(idOf),
    );
    assert.equal(refined[2]?.window, null);
  });

  it('never duplicates across a restart, and announces nothing again on start', async () => {
    const k = await kit();
    const ticks = series('NVDA', 10);
    await k.bronze(ticks.slice(0, 5));
    await k.bronze(ticks.slice(5, 8));
    await k.refiner({ maxVersionsPerCommit: 1 }).catchUp();
    const restarted = k.refiner();
    await restarted.catchUp();
    assert.equal(k.refined().length, 8);
    await k.bronze(ticks.slice(8));
    await restarted.catchUp();
    assertEachOnce(k, ticks);
  });

  it('announces the next chunks while a MERGE is in flight, then commits what queued meanwhile in one MERGE', async () => {
    const k = await kit();
    const ticks = series('KO', 3);
    for (const tick of ticks) await k.bronze([tick]);
    const refiner = k.refiner({ maxVersionsPerCommit: 1 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const merges = mergeSizes(k, gate);
    const done = refiner.catchUp();
    for (let turn = 0; turn < 1_000 && k.refined().length < 3; turn += 1) await setImmediate();
    assert.equal(k.refined().length, 3, 'all three versions announced while the first MERGE waits');
    assert.equal(k.silverRows().length, 0);
    release();
    await done;
    assert.deepEqual(merges, [1, 2]);
    assert.deepEqual(
      k.silverRows().map((r) => r.eventId),
      ticks.map(idOf),
    );
  });

  it('starts a Silver commit at most once per commit interval, and what is refined meanwhile joins it', async () => {
    const k = await kit();
    const ticks = series('KO', 3);
    const merges = mergeSizes(k);
    const refiner = k.refiner({ maxVersionsPerCommit: 1, minCommitIntervalMs: 150 });
    await k.bronze([ticks[0]!]);
    await refiner.catchUp();
    await k.bronze([ticks[1]!]);
    await k.bronze([ticks[2]!]);
    const started = performance.now();
    await refiner.catchUp();
    assert.ok(performance.now() - started >= 140, 'the second commit waited for the interval');
    // Both later versions were refined (and announced) while it waited: one MERGE of two rows.
    assert.deepEqual(merges, [1, 2]);
    assert.equal(k.silverRows().length, 3);
  });

  it('measures each event from Bronze ingest to its announce, and again to its Silver commit', async () => {
    const k = await kit();
    const metrics = new SilverMetrics(new PipelineMetrics('refiner'));
    await k.bronze(series('KO', 4));
    await k.refiner({ metrics }).catchUp();
    const countOf = async (h: SilverMetrics['freshness']) =>
      (await h.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value;
    assert.equal(await countOf(metrics.announceLatency), 4);
    assert.equal(await countOf(metrics.freshness), 4);
  });

  it('announces the same events, windows and outcomes again when the commit after the announce failed', async () => {
    const k = await kit();
    await k.bronze(series('AMZN', 12));
    const refiner = k.refiner();
    const original = k.lake.merge.bind(k.lake);
    k.lake.merge = () => Promise.reject(new LakeError('LAKE_IO', 'disk full'));
    await assert.rejects(refiner.catchUp(), /disk full/);
    assert.equal(k.silverRows().length, 0);
    k.lake.merge = original;
    await refiner.catchUp();
    const records = k.refined();
    assert.equal(records.length, 24);
    assert.deepEqual(records.slice(12), records.slice(0, 12));
    assert.deepEqual(
      k.outcomes().slice(k.outcomes().length / 2),
      k.outcomes().slice(0, k.outcomes().length / 2),
    );
    assert.equal(k.silverRows().length, 12);
  });

  it('publishes windows once L complete vectors exist, and outcomes once the horizon is reached', async () => {
    const k = await kit();
    const ticks = series('GOOG', 12);
    await k.bronze(ticks);
    await k.refiner().catchUp();
    const windows = k.refined().map((r) => r.window);
    const firstWindow = windows.findIndex((w) => w !== null);
    // The longest component needs 3 returns (4 ticks); L = 4 complete vectors end at tick index 6.
    assert.equal(firstWindow, 6);
    assert.equal(windows[firstWindow]?.steps, SMALL_FEATURES.sequenceLength);
    const outcomes = k.outcomes();
    assert.deepEqual(
      outcomes.map((o) => [o.eventId, o.horizonEventId]),
      ticks.slice(0, 10).map((t, i) => [idOf(t), idOf(ticks[i + 2]!)]),
    );
    // Announced before the commit: the lineage is the Silver version committed then (the new table's), the events
    // land in the next one.
    assert.ok(outcomes.every((o) => o.labelVersion === 'labels-test' && o.silverVersion === '0'));
  });

  it('publishes a large chunk as refined and outcome runs of at most 512 events of one symbol, in event order', async () => {
    const k = await kit();
    const ticks = series('META', 4000);
    await k.bronze(ticks);
    await k.refiner().catchUp();
    const records = k.producer.messages(TOPICS.ticksRefined);
    const perRecord = records.map((m) => decodeRefinedTicks(m.value));
    assert.equal(records.length, Math.ceil(4000 / MAX_EVENTS_PER_REFINED_RECORD));
    assert.ok(perRecord.every((events) => events.every((e) => e.symbol === 'META')));
    assert.ok(records.every((m) => m.key === 'META'));
    assert.deepEqual(
      k.refined().map((r) => r.eventId),
      ticks.map(idOf),
    );
    const outcomeRecords = k.producer.messages(TOPICS.ticksOutcomes);
    const outcomesPerRecord = outcomeRecords.map((m) => decodeTickOutcomes(m.value).length);
    // Every tick but the last two (the horizon) has its outcome: full runs, then the rest.
    assert.deepEqual(outcomesPerRecord, [
      ...Array.from({ length: 7 }, () => MAX_EVENTS_PER_OUTCOME_RECORD),
      4000 - 2 - 7 * MAX_EVENTS_PER_OUTCOME_RECORD,
    ]);
    assert.ok(outcomeRecords.every((m) => m.key === 'META'));
    assert.deepEqual(
      k.outcomes().map((o) => o.eventId),
      ticks.slice(0, -2).map(idOf),
    );
  });

  it('stores a late tick flagged without features, publishes it once, and leaves later features untouched', async () => {
    const k = await kit();
    const ticks = series('TSLA', 6);
    const late: TickFields = { ...ticks[2]!, price: 999, timestamp: ticks[4]!.timestamp + 500 };
    const expired: TickFields = { ...ticks[0]!, price: 998 };
    await k.bronze([...ticks.slice(0, 6), late, expired]);
    await k.refiner().catchUp();
    const byId = new Map(k.silverRows().map((r) => [r.eventId, r]));
    assert.equal(byId.get(idOf(late))?.lateStatus, 'late');
    assert.equal(byId.get(idOf(late))?.features, null);
    assert.equal(byId.get(idOf(expired))?.lateStatus, 'expired');
    const published = k.refined().filter((r) => r.eventId === idOf(late));
    assert.equal(published.length, 1);
    assert.equal(published[0]?.window, null);
  });

  it('does not double the quarantine when the Silver MERGE fails after the quarantine commit', async () => {
    const k = await kit();
    const bad: TickFields = { symbol: 'KO', price: 0, volume: 1, timestamp: INGEST_MS };
    await k.bronze([...series('KO', 3), bad]);
    const refiner = k.refiner();
    const failing: InMemoryLake = k.lake;
    const original = failing.merge.bind(failing);
    let calls = 0;
    failing.merge = (...args: Parameters<InMemoryLake['merge']>) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new LakeError('LAKE_IO', 'disk full')) : original(...args);
    };
    await assert.rejects(refiner.catchUp(), /disk full/);
    await refiner.catchUp();
    assert.equal(k.lake.rowsOf(SILVER_QUARANTINE).length, 1);
    assert.equal(k.silverRows().length, 3);
  });

  it('sizes what it reads at once by Bronze rows: small versions are grouped, large ones read one at a time', async () => {
    const k = await kit();
    const ticks = series('XOM', 30);
    for (let v = 0; v < 10; v += 1) await k.bronze([ticks[v]!]);
    for (let v = 10; v < 30; v += 5) await k.bronze(ticks.slice(v, v + 5));
    const reads: number[] = [];
    const changes = k.lake.changes.bind(k.lake);
    k.lake.changes = async (...args: Parameters<InMemoryLake['changes']>) => {
      const rows = await changes(...args);
      if (args[0].name === BRONZE_TICKS.name) reads.push(rows.numRows);
      return rows;
    };
    const merges = mergeSizes(k);
    await k.refiner({ targetRowsPerCommit: 4 }).catchUp();
    // Span 1, then 2 while chunks hold 2 rows (within the target of 4); the chunk reaching the first 5-tick
    // version holds 6, over the target, so the span halves to 1: every 5-tick version after it alone.
    assert.deepEqual(reads, [1, 2, 2, 2, 2, 6, 5, 5, 5]);
    // A commit takes the chunks queued meanwhile up to the target, or one chunk over it alone.
    assert.ok(
      merges.every((n) => n <= 4 || n === 5 || n === 6),
      `MERGE sizes ${merges.join(', ')}`,
    );
    assert.equal(
      merges.reduce((a, b) => a + b, 0),
      30,
    );
    assert.equal(k.silverRows().length, 30);
  });

  it('takes the rows handed over with a Bronze commit instead of its change feed, and reads the log for a gap', async () => {
    const k = await kit();
    const ticks = series('MSFT', 8);
    const reads: string[] = [];
    const changes = k.lake.changes.bind(k.lake);
    k.lake.changes = (...args: Parameters<InMemoryLake['changes']>) => {
      if (args[0].name === BRONZE_TICKS.name) reads.push(`(${args[1]}, ${args[2]}]`);
      return changes(...args);
    };
    const metrics = new SilverMetrics(new PipelineMetrics('refiner'));
    const refiner = k.refiner({ metrics });
    const v1 = await k.bronze(ticks.slice(0, 2));
    await refiner.catchUp();
    assert.deepEqual(reads, [`(0, ${v1}]`], 'the first pass reads the log');

    const v2 = await k.bronze(ticks.slice(2, 4));
    refiner.offer(v2, k.bronzeRowsOf(v2));
    await refiner.idle();
    assert.equal(reads.length, 1, 'a handed-over version is not read back');

    // v3 comes without its rows (the loader's, or a lost hand-over): the log is read for it alone.
    const v3 = await k.bronze(ticks.slice(4, 6));
    const v4 = await k.bronze(ticks.slice(6, 8));
    refiner.offer(v4, k.bronzeRowsOf(v4));
    await refiner.idle();
    assert.deepEqual(reads, [`(0, ${v1}]`, `(${v2}, ${v3}]`]);

    refiner.offer(v2, k.bronzeRowsOf(v2)); // a repeated hand-over of a refined version
    await refiner.idle();
    assertEachOnce(k, ticks);
    const bySource: Record<string, number> = {};
    for (const v of (await metrics.bronzeReads.get()).values) bySource[String(v.labels.source)] = v.value;
    assert.deepEqual(bySource, { change_feed: 2, handed_over: 2 });
  });

  it('stops refining on stop, commits what it announced, and leaves the rest of the backlog to the next start', async () => {
    const k = await kit();
    for (const ticks of [series('KO', 2), series('KO', 4).slice(2), series('KO', 6).slice(4)])
      await k.bronze(ticks);
    const refiner = k.refiner({ maxVersionsPerCommit: 1 });
    const original = k.lake.merge.bind(k.lake);
    k.lake.merge = (...args: Parameters<InMemoryLake['merge']>) => {
      void refiner.stop();
      return original(...args);
    };
    refiner.wake();
    await refiner.idle();
    const committed = k.silverRows().length;
    assert.ok(committed < 6, `${committed} rows committed: the stop came during the first MERGE`);
    assert.equal(committed, k.refined().length);
    k.lake.merge = original;
    await k.refiner().catchUp();
    assert.equal(k.silverRows().length, 6);
    assert.equal(k.refined().length, 6);
  });

  it('makes a second refiner covering the same Bronze versions fail with COMMIT_CONFLICT instead of duplicating', async () => {
    const k = await kit();
    await k.bronze(series('JPM', 3));
    const first = k.refiner();
    const second = k.refiner();
    await first.catchUp();
    await k.bronze(series('JPM', 6).slice(3));
    // `second` read the position before `first` committed again.
    await second.catchUp();
    await k.bronze(series('JPM', 8).slice(6));
    await first.catchUp().then(
      () => assert.fail('the stale writer must conflict'),
      (error: unknown) => assert.equal((error as LakeError).code, 'COMMIT_CONFLICT'),
    );
    await first.catchUp();
    assert.deepEqual(
      k.silverRows().map((r) => r.eventId),
      series('JPM', 8).map(idOf),
    );
  });
});
