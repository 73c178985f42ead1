import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SilverTick } from '../tick/silver-tick.schema';
import { LabelDefinition, LabelOutcome, assertLabelDefinition } from './label-definition.config';
import { labelSeries } from './label-series.util';
import {
  LabelTrackerState,
  initialLabelTrackerState,
  labelReplayTicksRequired,
  rebuildLabelTrackerState,
  stepLabelTracker,
  stepLabelsBySymbol,
} from './label-tracker.util';
import {
  LabelTrackerStateJson,
  labelTrackerStateFromJson,
  labelTrackerStateToJson,
} from './label-tracker-state.util';

const SECOND_US = 1_000_000n;
const tick = (n: number, price: number, seconds = n): SilverTick => ({
  eventId: `e${n}`,
  symbol: 'X',
  eventTimeUs: BigInt(seconds) * SECOND_US,
  price,
  volume: 1,
});

function track(
  ticks: readonly SilverTick[],
  def: LabelDefinition,
): { outcomes: LabelOutcome[]; late: string[] } {
  let state = initialLabelTrackerState();
  const outcomes: LabelOutcome[] = [];
  const late: string[] = [];
  for (const t of ticks) {
    const step = stepLabelTracker(state, t, def);
    state = step.state;
    outcomes.push(...step.outcomes);
    if (step.late) late.push(t.eventId);
  }
  return { outcomes, late };
}

const TWO_TICKS_100_BPS: LabelDefinition = {
  version: 'test-ticks',
  horizon: { kind: 'ticks', ticks: 2 },
  threshold: { kind: 'bps', bps: 100 },
};

describe('label tracker', () => {
  it('labels a move beyond the threshold in either direction as a jump, and a small one as not', () => {
    // e0→e2: 100→102 (+1.98%, jump); e1→e3: 101→100.5 (−0.5%, none); e2→e4: 102→99 (−2.99%, jump)
    const ticks = [tick(0, 100), tick(1, 101), tick(2, 102), tick(3, 100.5), tick(4, 99)];
    const { outcomes } = track(ticks, TWO_TICKS_100_BPS);
    assert.deepEqual(
      outcomes.map((o) => [o.eventId, o.horizonEventId, o.label]),
      [
        ['e0', 'e2', 1],
        ['e1', 'e3', 0],
        ['e2', 'e4', 1],
      ],
    );
    assert.equal(outcomes[0]?.realizedReturn, Math.log(102 / 100));
    assert.equal(outcomes[0]?.threshold, 0.01);
    assert.ok(outcomes.every((o) => o.labelVersion === 'test-ticks'));
  });

  it('does not count a move exactly at the threshold as a jump', () => {
    const def: LabelDefinition = {
      ...TWO_TICKS_100_BPS,
      horizon: { kind: 'ticks', ticks: 1 },
      threshold: { kind: 'bps', bps: 0 },
    };
    const { outcomes } = track([tick(0, 100), tick(1, 100)], def);
    assert.deepEqual(
      outcomes.map((o) => o.label),
      [0],
    );
  });

  it('closes a seconds horizon at the first tick at or after it', () => {
    const def: LabelDefinition = { ...TWO_TICKS_100_BPS, horizon: { kind: 'seconds', seconds: 10 } };
    const ticks = [tick(0, 100, 0), tick(1, 100, 9), tick(2, 105, 10), tick(3, 100, 25)];
    const { outcomes } = track(ticks, def);
    assert.deepEqual(
      outcomes.map((o) => [o.eventId, o.horizonEventId]),
      [
        ['e0', 'e2'],
        ['e1', 'e3'],
        ['e2', 'e3'],
      ],
    );
  });

  it('gives no outcome to events before a σ threshold has its full window of returns', () => {
    const WINDOW = 3;
    const def: LabelDefinition = {
      version: 'test-sigma',
      horizon: { kind: 'ticks', ticks: 1 },
      threshold: { kind: 'sigma', k: 1, window: WINDOW },
    };
    const prices = [100, 101, 100, 102, 101, 110];
    const { outcomes } = track(
      prices.map((p, i) => tick(i, p)),
      def,
    );
    // e3 is the first event with three returns behind it; e5 has no later tick.
    assert.deepEqual(
      outcomes.map((o) => o.eventId),
      ['e3', 'e4'],
    );
    const returns = [Math.log(101 / 100), Math.log(100 / 101), Math.log(102 / 100)];
    const m = returns.reduce((a, b) => a + b) / WINDOW;
    const sigma = Math.sqrt(returns.reduce((a, r) => a + (r - m) ** 2, 0) / WINDOW);
    assert.ok(Math.abs((outcomes[0]?.threshold ?? Number.NaN) - sigma) < 1e-15);
    assert.equal(outcomes[1]?.label, 1);
  });

  it('ignores a tick older than the last one and leaves its state untouched', () => {
    let state = initialLabelTrackerState();
    state = stepLabelTracker(state, tick(0, 100, 10), TWO_TICKS_100_BPS).state;
    const step = stepLabelTracker(state, tick(1, 100, 5), TWO_TICKS_100_BPS);
    assert.equal(step.late, true);
    assert.equal(step.state, state);
    assert.deepEqual(step.outcomes, []);
  });

  it('refuses definitions that cannot label anything', () => {
    const bad: LabelDefinition[] = [
      { ...TWO_TICKS_100_BPS, horizon: { kind: 'ticks', ticks: 0 } },
      { ...TWO_TICKS_100_BPS, horizon: { kind: 'seconds', seconds: 0 } },
      { ...TWO_TICKS_100_BPS, threshold: { kind: 'bps', bps: -1 } },
      { ...TWO_TICKS_100_BPS, threshold: { kind: 'sigma', k: 1, window: 1 } },
      { ...TWO_TICKS_100_BPS, version: '' },
    ];
    for (const def of bad) assert.throws(() => assertLabelDefinition(def), RangeError);
    assert.doesNotThrow(() => assertLabelDefinition(TWO_TICKS_100_BPS));
  });
});

describe('labelSeries', () => {
  const definitions = fc.record({
    version: fc.constant('prop'),
    horizon: fc.oneof(
      fc.record({ kind: fc.constant('ticks' as const), ticks: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('seconds' as const), seconds: fc.integer({ min: 1, max: 20 }) }),
    ),
    threshold: fc.oneof(
      fc.record({ kind: fc.constant('bps' as const), bps: fc.integer({ min: 0, max: 500 }) }),
      fc.record({
        kind: fc.constant('sigma' as const),
        k: fc.double({ min: 0, max: 3, noNaN: true }),
        window: fc.integer({ min: 2, max: 6 }),
      }),
    ),
  });
  // Seconds go mostly forward, sometimes stand still, sometimes step back (late ticks).
  const series = fc
    .array(
      fc.record({ dt: fc.integer({ min: -3, max: 6 }), price: fc.double({ min: 1, max: 200, noNaN: true }) }),
      {
        maxLength: 60,
      },
    )
    .map((steps) => {
      let seconds = 0;
      return steps.map((s, i) => {
        seconds += s.dt;
        return tick(i, s.price, seconds);
      });
    });

  it('gives the same outcomes when the tracker is checkpointed through JSON between ticks', () => {
    fc.assert(
      fc.property(series, definitions, (ticks, def) => {
        let state: LabelTrackerState = initialLabelTrackerState();
        const outcomes: LabelOutcome[] = [];
        for (const t of ticks) {
          const step = stepLabelTracker(state, t, def);
          outcomes.push(...step.outcomes);
          const json = JSON.parse(
            JSON.stringify(labelTrackerStateToJson(step.state)),
          ) as LabelTrackerStateJson;
          state = labelTrackerStateFromJson(json);
        }
        assert.deepEqual(outcomes, track(ticks, def).outcomes);
      }),
    );
  });

  it('rebuilds the tracker of a tick horizon exactly from the trailing in-order ticks', () => {
    const tickDefinitions = definitions.filter((def) => def.horizon.kind === 'ticks');
    fc.assert(
      fc.property(series, tickDefinitions, (ticks, def) => {
        let state: LabelTrackerState = initialLabelTrackerState();
        const inOrder: SilverTick[] = [];
        for (const t of ticks) {
          const step = stepLabelTracker(state, t, def);
          if (!step.late) inOrder.push(t);
          state = step.state;
        }
        assert.deepEqual(rebuildLabelTrackerState(inOrder, def), state);
      }),
    );
  });

  it('needs every one of the replayed ticks: one fewer changes the rebuilt tracker', () => {
    const def: LabelDefinition = { ...TWO_TICKS_100_BPS, threshold: { kind: 'sigma', k: 1, window: 3 } };
    const needed = labelReplayTicksRequired(def) ?? 0;
    const ticks = Array.from({ length: needed + 4 }, (_, i) => tick(i, 100 + ((i * 7) % 5)));
    const full = track(ticks, def);
    assert.ok(full.outcomes.length > 0);
    let state: LabelTrackerState = initialLabelTrackerState();
    for (const t of ticks) state = stepLabelTracker(state, t, def).state;
    assert.deepEqual(rebuildLabelTrackerState(ticks, def), state);
    assert.notDeepEqual(rebuildLabelTrackerState(ticks.slice(-(needed - 1)), def), state);
  });

  it('has no tick count for a seconds horizon', () => {
    assert.equal(
      labelReplayTicksRequired({ ...TWO_TICKS_100_BPS, horizon: { kind: 'seconds', seconds: 5 } }),
      null,
    );
  });

  it('tracks each symbol of a mixed batch on its own', () => {
    const a = [tick(0, 100), tick(1, 103), tick(2, 100)];
    const b = a.map((t) => ({ ...t, symbol: 'Y', eventId: `y${t.eventId}`, price: t.price * 2 }));
    const mixed = [a[0], b[0], a[1], b[1], a[2], b[2]] as SilverTick[];
    const { outcomes } = stepLabelsBySymbol(new Map(), mixed, TWO_TICKS_100_BPS);
    assert.deepEqual(
      outcomes.map((o) => o.eventId),
      ['e0', 'ye0'],
    );
  });

  it('produces exactly the outcomes of the tick-by-tick tracker, in the same order', () => {
    fc.assert(
      fc.property(series, definitions, (ticks, def) => {
        assert.deepEqual(labelSeries(ticks, def), track(ticks, def).outcomes);
      }),
    );
  });
});
