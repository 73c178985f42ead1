import { lastN } from '../features/rolling-stats.util';
import { SilverTick } from '../tick/silver-tick.schema';
import {
  LabelDefinition,
  LabelOutcome,
  horizonMicros,
  labelOf,
  labelThreshold,
  returnsNeeded,
} from './label-definition.config';

/** An event waiting for its horizon to pass. */
export interface PendingLabel {
  readonly eventId: string;
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly threshold: number;
  /** Tick horizons only: later ticks still to come before the outcome is known. */
  readonly ticksToGo: number;
}

/**
 * Per-symbol state of the label tracker: plain data, persistable as it is (bigints aside). Holds only what the
 * definition needs: the last tick, the trailing returns of a σ threshold, and the events still waiting.
 */
export interface LabelTrackerState {
  readonly lastEventTimeUs: bigint | null;
  readonly lastPrice: number | null;
  readonly trailingReturns: readonly number[];
  readonly pending: readonly PendingLabel[];
}

export interface LabelStepResult {
  readonly state: LabelTrackerState;
  /** Outcomes of earlier events whose horizon this tick closed, oldest first. */
  readonly outcomes: readonly LabelOutcome[];
  /** True when the tick was older than the last one seen: it was ignored, the state is unchanged. */
  readonly late: boolean;
}

export function initialLabelTrackerState(): LabelTrackerState {
  return { lastEventTimeUs: null, lastPrice: null, trailingReturns: [], pending: [] };
}

function isDue(pending: PendingLabel, tick: SilverTick, def: LabelDefinition): boolean {
  return def.horizon.kind === 'ticks'
    ? pending.ticksToGo <= 0
    : tick.eventTimeUs >= pending.eventTimeUs + horizonMicros(def.horizon.seconds);
}

/**
 * Feeds one tick of a symbol, in event-time order, and returns the outcomes it realizes. Labels are learned from
 * the data as it arrives: an event's outcome comes out with the tick that closes its horizon. A tick older than
 * the last one seen is ignored (`late: true`); Silver keeps it, flagged, and a batch relabel can include it.
 * Same results as {@link labelSeries} over the same ticks.
 */
export function stepLabelTracker(
  state: LabelTrackerState,
  tick: SilverTick,
  def: LabelDefinition,
): LabelStepResult {
  if (state.lastEventTimeUs !== null && tick.eventTimeUs < state.lastEventTimeUs) {
    return { state, outcomes: [], late: true };
  }
  const keepReturns = returnsNeeded(def);
  const trailingReturns =
    state.lastPrice === null || keepReturns === 0
      ? state.trailingReturns
      : lastN([...state.trailingReturns, Math.log(tick.price / state.lastPrice)], keepReturns);

  const outcomes: LabelOutcome[] = [];
  const stillPending: PendingLabel[] = [];
  for (const waiting of state.pending) {
    const advanced =
      def.horizon.kind === 'ticks' ? { ...waiting, ticksToGo: waiting.ticksToGo - 1 } : waiting;
    if (isDue(advanced, tick, def)) {
      const realizedReturn = Math.log(tick.price / waiting.price);
      outcomes.push({
        eventId: waiting.eventId,
        eventTimeUs: waiting.eventTimeUs,
        horizonEventId: tick.eventId,
        realizedReturn,
        threshold: waiting.threshold,
        label: labelOf(realizedReturn, waiting.threshold),
        labelVersion: def.version,
      });
    } else {
      stillPending.push(advanced);
    }
  }

  const threshold = labelThreshold(def, trailingReturns);
  if (threshold !== null) {
    stillPending.push({
      eventId: tick.eventId,
      eventTimeUs: tick.eventTimeUs,
      price: tick.price,
      threshold,
      ticksToGo: def.horizon.kind === 'ticks' ? def.horizon.ticks : 0,
    });
  }
  return {
    state: {
      lastEventTimeUs: tick.eventTimeUs,
      lastPrice: tick.price,
      trailingReturns,
      pending: stillPending,
    },
    outcomes,
    late: false,
  };
}

/**
 * {@link stepLabelTracker} over a mixed-symbol batch: each tick steps its own symbol's tracker (a fresh one for a
 * new symbol). Returns the updated states (the input map is not modified) and the outcomes in emission order.
 */
export function stepLabelsBySymbol(
  states: ReadonlyMap<string, LabelTrackerState>,
  ticks: Iterable<SilverTick>,
  def: LabelDefinition,
): { states: Map<string, LabelTrackerState>; outcomes: LabelOutcome[]; lateEventIds: string[] } {
  const next = new Map(states);
  const outcomes: LabelOutcome[] = [];
  const lateEventIds: string[] = [];
  for (const tick of ticks) {
    const step = stepLabelTracker(next.get(tick.symbol) ?? initialLabelTrackerState(), tick, def);
    next.set(tick.symbol, step.state);
    outcomes.push(...step.outcomes);
    if (step.late) lateEventIds.push(tick.eventId);
  }
  return { states: next, outcomes, lateEventIds };
}

/**
 * For a tick horizon, how many trailing in-order ticks of a symbol rebuild its tracker state exactly (the last h
 * events are pending, and the oldest needs its σ window behind it). Null for a seconds horizon, where the number
 * of pending events is unbounded in ticks: checkpoint the state with `labelTrackerStateToJson` instead.
 */
export function labelReplayTicksRequired(def: LabelDefinition): number | null {
  return def.horizon.kind === 'ticks' ? def.horizon.ticks + returnsNeeded(def) : null;
}

/**
 * Rebuilds a tracker after a restart by replaying a symbol's trailing in-order ticks; the outcomes the replay
 * would emit were already emitted before the restart and are dropped. Exact given at least
 * {@link labelReplayTicksRequired} ticks.
 */
export function rebuildLabelTrackerState(
  trailingTicks: readonly SilverTick[],
  def: LabelDefinition,
): LabelTrackerState {
  const needed = labelReplayTicksRequired(def);
  const replay = needed === null ? trailingTicks : lastN(trailingTicks, needed);
  let state = initialLabelTrackerState();
  for (const tick of replay) state = stepLabelTracker(state, tick, def).state;
  return state;
}
