import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SILVER_QUARANTINE } from '@lakehouse/lake';
import { type LabelDefinition } from '@lakehouse/domain';
import { INGEST_MS, kit, type Kit, SMALL_FEATURES, SMALL_LABELS, type TickFields } from './refiner-test-kit';

const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const START_MS = INGEST_MS - 3_600_000;
/** A seconds horizon: its waiting events are rebuilt from the ticks within 3 s of each symbol's latest. */
const SECONDS_LABELS: LabelDefinition = {
  version: 'labels-seconds-test',
  horizon: { kind: 'seconds', seconds: 3 },
  threshold: { kind: 'sigma', k: 1, window: 3 },
};

/** A tick stream with out-of-order (late and expired) ticks, replays of earlier ticks and invalid prices. */
const streamArb = fc
  .array(
    fc.record({
      symbol: fc.constantFrom(...SYMBOLS),
      stepMs: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
        { weight: 2, arbitrary: fc.integer({ min: -6_000, max: -1 }) },
      ),
      price: fc.oneof(
        { weight: 19, arbitrary: fc.double({ min: 50, max: 150, noNaN: true }) },
        { weight: 1, arbitrary: fc.constant(-1) },
      ),
      volume: fc.integer({ min: 0, max: 500 }),
      replayOf: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    }),
    { minLength: 40, maxLength: 150 },
  )
  .map((draws) => {
    const ticks: TickFields[] = [];
    const clock = new Map<string, number>();
    for (const d of draws) {
      if (d.replayOf !== null && ticks.length > 0) {
        ticks.push(ticks[d.replayOf % ticks.length]!);
        continue;
      }
      const at = (clock.get(d.symbol) ?? START_MS) + d.stepMs;
      clock.set(d.symbol, Math.max(at, clock.get(d.symbol) ?? START_MS));
      ticks.push({ symbol: d.symbol, price: d.price, volume: d.volume, timestamp: at });
    }
    return ticks;
  });

/** Cut points splitting the stream into Bronze versions, and where the restarted run restarts. */
const scenarioArb = streamArb.chain((ticks) =>
  fc.record({
    ticks: fc.constant(ticks),
    versionSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
    restartEvery: fc.integer({ min: 1, max: 4 }),
    chunk: fc.integer({ min: 1, max: 3 }),
  }),
);

function versionsOf(ticks: readonly TickFields[], sizes: readonly number[]): TickFields[][] {
  const out: TickFields[][] = [];
  let at = 0;
  for (let i = 0; at < ticks.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    out.push(ticks.slice(at, at + size));
    at += size;
  }
  return out;
}

/** Everything a run leaves behind that must not depend on batching: rows, rejects, and records by event id. */
function observe(k: Kit): unknown {
  const byEvent = <T extends { eventId: string }>(
    records: readonly T[],
    strip: (r: T) => unknown,
    lateCopy: (r: T) => boolean,
  ) => {
    const map = new Map<string, string>();
    for (const r of records) {
      const text = JSON.stringify(strip(r), (_, v: unknown) =>
        typeof v === 'bigint' ? String(v) : v instanceof Float32Array ? [...v] : v,
      );
      const seen = map.get(r.eventId);
      if (seen === undefined) map.set(r.eventId, text);
      // A record announced twice (again after a failed commit) must be the same record; the only other copy is a
      // replay that arrived late, announced before the MERGE merged it away, without a window.
      else assert.ok(seen === text || lateCopy(r), `event ${r.eventId} was published with different content`);
    }
    return [...map].sort();
  };
  return {
    silver: [...k.silverRows()].sort((a, b) => (a.eventId < b.eventId ? -1 : 1)),
    quarantine: k.lake
      .rowsOf(SILVER_QUARANTINE)
      .map((r) => `${r.kafkaOffset} ${r.reasonCodes}`)
      .sort(),
    // Lineage depends on batching by design: the Silver version then and the chunk's last Bronze version.
    refined: byEvent(
      k.refined(),
      ({ silverVersion: _, bronzeVersion: __, ...rest }) => rest,
      (r) => r.window === null,
    ),
    outcomes: byEvent(
      k.outcomes(),
      ({ silverVersion: _, ...rest }) => rest,
      () => false,
    ),
  };
}

describe('Silver features do not depend on batching', () => {
  for (const [horizon, labels] of [
    ['a ticks', SMALL_LABELS],
    ['a seconds', SECONDS_LABELS],
  ] as const) {
    it(`gives the same rows, features, windows and outcomes (${horizon} label horizon) in one batch, one version per batch, across restarts and from handed-over rows`, async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ ticks, versionSizes, restartEvery, chunk }) => {
          const versions = versionsOf(ticks, versionSizes);

          const oneBatch = await kit(SMALL_FEATURES, labels);
          for (const v of versions) await oneBatch.bronze(v);
          await oneBatch.refiner().catchUp();

          const perVersion = await kit(SMALL_FEATURES, labels);
          const steady = perVersion.refiner({ maxVersionsPerCommit: 1 });
          for (const v of versions) {
            await perVersion.bronze(v);
            await steady.catchUp();
          }

          const restarted = await kit(SMALL_FEATURES, labels);
          let refiner = restarted.refiner({ maxVersionsPerCommit: chunk });
          for (const [i, v] of versions.entries()) {
            await restarted.bronze(v);
            await refiner.catchUp();
            if (i % restartEvery === 0) refiner = restarted.refiner({ maxVersionsPerCommit: chunk });
          }
          await refiner.catchUp();

          // Live: each version's rows handed over with its notification as it commits, the log never read for them.
          const handed = await kit(SMALL_FEATURES, labels);
          const live = handed.refiner({ maxVersionsPerCommit: chunk });
          for (const v of versions) {
            const version = await handed.bronze(v);
            live.offer(version, handed.bronzeRowsOf(version));
          }
          await live.idle();

          const expected = observe(oneBatch);
          assert.deepEqual(observe(perVersion), expected);
          assert.deepEqual(observe(restarted), expected);
          assert.deepEqual(observe(handed), expected);
        }),
        { numRuns: 60 },
      );
    });
  }
});
