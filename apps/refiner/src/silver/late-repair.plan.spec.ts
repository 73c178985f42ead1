import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type LabelDefinition, type LabelOutcome } from '@lakehouse/domain';
import { type SilverTickRow } from '@lakehouse/lake';
import { planSymbolRepair, replayOrder, type RepairInput, warmupOf } from './late-repair.plan';
import { SMALL_FEATURES, SMALL_LABELS } from './refiner-test-kit';
import { silverTickOf } from './silver-refine';
import {
  initialBook,
  rebuildBook,
  replayPlan,
  type SilverModel,
  stepBook,
  type SymbolBook,
} from './symbol-book';

const SYMBOLS = ['AAA', 'BBB'];
const START_US = 1_704_200_000_000_000n;
const US_PER_MS = 1000n;

const MODELS: readonly (readonly [string, LabelDefinition])[] = [
  ['a ticks horizon, bps threshold', SMALL_LABELS],
  [
    'a ticks horizon, σ threshold',
    {
      version: 'labels-sigma',
      horizon: { kind: 'ticks', ticks: 3 },
      threshold: { kind: 'sigma', k: 1, window: 4 },
    },
  ],
  [
    'a seconds horizon, σ threshold',
    {
      version: 'labels-seconds',
      horizon: { kind: 'seconds', seconds: 3 },
      threshold: { kind: 'sigma', k: 1, window: 3 },
    },
  ],
];

interface ArrivingTick {
  readonly row: SilverTickRow;
}

/**
 * One arrival stream: ticks mostly moving forward, some behind their symbol's latest (late within the 2 s watermark
 * of SMALL_FEATURES, or expired beyond it), some at an equal event time; Bronze versions of 1-5 ticks.
 */
const streamArb = fc
  .array(
    fc.record({
      symbol: fc.constantFrom(...SYMBOLS),
      stepMs: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 1_500 }) },
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 3, arbitrary: fc.integer({ min: -3_000, max: -1 }) },
      ),
      price: fc.double({ min: 50, max: 150, noNaN: true }),
      volume: fc.integer({ min: 0, max: 500 }),
      versionSize: fc.integer({ min: 1, max: 5 }),
    }),
    { minLength: 20, maxLength: 120 },
  )
  .map((draws): ArrivingTick[] => {
    const clock = new Map<string, bigint>();
    let version = 1n;
    let seq = 0n;
    return draws.map((d, i) => {
      const latest = clock.get(d.symbol) ?? START_US;
      const at = latest + BigInt(d.stepMs) * US_PER_MS;
      if (at > latest) clock.set(d.symbol, at);
      if (seq >= BigInt(d.versionSize)) {
        version += 1n;
        seq = 0n;
      }
      seq += 1n;
      return {
        row: {
          eventId: `e${i}`,
          symbol: d.symbol,
          eventTimeUs: at,
          price: d.price,
          volume: BigInt(d.volume),
          tradeId: null,
          exchange: null,
          source: 'live',
          bronzeVersion: version,
          bronzeSeq: seq,
          lateStatus: 'on_time',
          featureVersion: null,
          features: null,
          refinedTimeUs: 0n,
        },
      };
    });
  });

/** Silver and Gold's outcome side, as the live refiner leaves them. */
interface Lakeside {
  readonly silver: Map<string, SilverTickRow>;
  /** Outcomes by event id, upserted (last write wins), as Gold keeps them. */
  readonly outcomes: Map<string, LabelOutcome>;
  readonly books: Map<string, SymbolBook>;
}

/** The repair over the lakeside's Silver, as `LateRepair.run` does it: per symbol from its earliest late row. */
function repair(side: Lakeside, model: SilverModel): { updated: number; reemitted: number } {
  const plan = replayPlan(model);
  const rows = [...side.silver.values()];
  let updated = 0;
  let reemitted = 0;
  for (const symbol of SYMBOLS) {
    const ofSymbol = rows.filter((r) => r.symbol === symbol);
    const late = ofSymbol.filter((r) => r.lateStatus === 'late');
    if (late.length === 0) continue;
    const fromUs = late.reduce((min, r) => (r.eventTimeUs < min ? r.eventTimeUs : min), late[0]!.eventTimeUs);
    const input: RepairInput = {
      symbol,
      warmup: warmupOf(
        ofSymbol
          .filter(
            (r) => (r.lateStatus === 'on_time' || r.lateStatus === 'repaired') && r.eventTimeUs < fromUs,
          )
          .sort(replayOrder),
        plan,
      ),
      rows: ofSymbol.filter((r) => r.eventTimeUs >= fromUs),
    };
    const result = planSymbolRepair(input, model);
    for (const row of result.updates) side.silver.set(row.eventId, row);
    for (const o of result.outcomes) side.outcomes.set(o.eventId, o);
    side.books.set(symbol, result.book);
    updated += result.updates.length;
    reemitted += result.outcomes.length;
  }
  return { updated, reemitted };
}

/** The live refiner's per-tick logic (`refineChunk`), repairing after every `chunk` ticks when asked. */
function live(ticks: readonly ArrivingTick[], model: SilverModel, chunk: number | null): Lakeside {
  const side: Lakeside = { silver: new Map(), outcomes: new Map(), books: new Map() };
  for (const [i, { row }] of ticks.entries()) {
    const step = stepBook(side.books.get(row.symbol) ?? initialBook(), silverTickOf(row), model);
    assert.notEqual(step.kind, 'duplicate');
    if (step.kind === 'duplicate') continue;
    side.books.set(row.symbol, step.book);
    if (step.kind === 'applied') {
      side.silver.set(row.eventId, {
        ...row,
        featureVersion: model.features.version,
        features: step.values,
      });
      for (const o of step.outcomes) side.outcomes.set(o.eventId, o);
    } else {
      side.silver.set(row.eventId, { ...row, lateStatus: step.kind });
    }
    if (chunk !== null && (i + 1) % chunk === 0) {
      repair(side, model);
      assertBooksRebuildFromSilver(side, model);
    }
  }
  return side;
}

/** Option (a)'s invariant: the books the live refiner adopts equal a rebuild from Silver's applied rows. */
function assertBooksRebuildFromSilver(side: Lakeside, model: SilverModel): void {
  const rows = [...side.silver.values()];
  for (const [symbol, book] of side.books) {
    const applied = rows
      .filter((r) => r.symbol === symbol && (r.lateStatus === 'on_time' || r.lateStatus === 'repaired'))
      .sort(replayOrder);
    const rebuilt = rebuildBook(warmupOf(applied, replayPlan(model)).map(silverTickOf), model);
    assert.deepEqual(book, rebuilt, `book of ${symbol} differs from its rebuild from Silver`);
  }
}

/** The same ticks delivered in event-time order (ties in arrival order), expired ones left out. */
function inOrder(
  ticks: readonly ArrivingTick[],
  expired: ReadonlySet<string>,
  model: SilverModel,
): { features: Map<string, unknown>; outcomes: Map<string, LabelOutcome> } {
  const books = new Map<string, SymbolBook>();
  const features = new Map<string, unknown>();
  const outcomes = new Map<string, LabelOutcome>();
  for (const { row } of ticks
    .filter((t) => !expired.has(t.row.eventId))
    .sort((a, b) => replayOrder(a.row, b.row))) {
    const step = stepBook(books.get(row.symbol) ?? initialBook(), silverTickOf(row), model);
    assert.equal(step.kind, 'applied');
    if (step.kind !== 'applied') continue;
    books.set(row.symbol, step.book);
    features.set(row.eventId, step.values);
    for (const o of step.outcomes) outcomes.set(o.eventId, o);
  }
  return { features, outcomes };
}

const sorted = <T>(map: ReadonlyMap<string, T>): [string, T][] =>
  [...map].sort(([a], [b]) => (a < b ? -1 : 1));

describe('late repair', () => {
  for (const [name, labels] of MODELS) {
    const model: SilverModel = { features: SMALL_FEATURES, labels };
    it(`gives every late tick within the watermark, and every row after it, the features and outcomes of event-time order (${name}); expired ticks stay unrepaired`, () => {
      fc.assert(
        fc.property(streamArb, fc.option(fc.integer({ min: 1, max: 15 }), { nil: null }), (ticks, chunk) => {
          const side = live(ticks, model, chunk);
          repair(side, model);
          assertBooksRebuildFromSilver(side, model);

          const expired = new Set(
            [...side.silver.values()].filter((r) => r.lateStatus === 'expired').map((r) => r.eventId),
          );
          const expected = inOrder(ticks, expired, model);
          for (const row of side.silver.values()) {
            if (expired.has(row.eventId)) {
              assert.equal(row.features, null, `expired ${row.eventId} got features`);
              continue;
            }
            assert.notEqual(row.lateStatus, 'late', `${row.eventId} is still late`);
            assert.deepEqual(row.features, expected.features.get(row.eventId), `features of ${row.eventId}`);
          }
          assert.deepEqual(sorted(side.outcomes), sorted(expected.outcomes));

          const again = repair(side, model);
          assert.deepEqual(again, { updated: 0, reemitted: 0 }, 'a second repair changed something');
        }),
        { numRuns: 150 },
      );
    });
  }

  it('marks a late tick repaired, recomputes the rows after it, and re-emits only the outcomes that changed', () => {
    const model: SilverModel = { features: SMALL_FEATURES, labels: SMALL_LABELS };
    const at = (
      ms: number,
      price: number,
      id: string,
      version: bigint,
      lateStatus: 'on_time' | 'late' = 'on_time',
    ) =>
      ({
        eventId: id,
        symbol: 'AAA',
        eventTimeUs: START_US + BigInt(ms) * US_PER_MS,
        price,
        volume: 10n,
        tradeId: null,
        exchange: null,
        source: 'live',
        bronzeVersion: version,
        bronzeSeq: 0n,
        lateStatus,
        featureVersion: null,
        features: null,
        refinedTimeUs: 0n,
      }) satisfies SilverTickRow;
    const ticks = [
      at(0, 100, 'a', 1n),
      at(1000, 101, 'b', 2n),
      at(3000, 103, 'd', 3n),
      at(4000, 104, 'e', 4n),
      at(2000, 110, 'c', 5n),
    ].map((row) => ({ row }));
    const side = live(ticks, model, null);
    assert.equal(side.silver.get('c')?.lateStatus, 'late');
    const before = new Map(side.outcomes);
    const result = repair(side, model);
    assert.equal(side.silver.get('c')?.lateStatus, 'repaired');
    assert.equal(side.silver.get('c')?.features?.[0], Math.log(110 / 101));
    assert.equal(side.silver.get('d')?.features?.[0], Math.log(103 / 110));
    // a's horizon (2 ticks) now ends at c; b's at d; c's own at e; d and e have no 2nd later tick.
    assert.equal(side.outcomes.get('a')?.horizonEventId, 'c');
    assert.equal(side.outcomes.get('b')?.horizonEventId, 'd');
    assert.equal(side.outcomes.get('c')?.horizonEventId, 'e');
    assert.equal(before.get('b')?.horizonEventId, 'e');
    assert.equal(result.reemitted, 3);
    assert.equal(result.updated, 3);
  });
});
