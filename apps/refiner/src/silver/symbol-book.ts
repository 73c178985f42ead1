import {
  type FeatureConfig,
  type FeatureState,
  type FeatureVector,
  horizonMicros,
  initialFeatureState,
  initialLabelTrackerState,
  type LabelDefinition,
  type LabelOutcome,
  labelReplayTicksRequired,
  type LabelTrackerState,
  modelSequence,
  rebuildFeatureState,
  rebuildLabelTrackerState,
  replayTicksRequired,
  returnsNeeded,
  type SilverTick,
  stepFeatures,
  stepLabelTracker,
} from '@lakehouse/domain';

/** What Silver computes per symbol: the feature config and the (versioned) label definition. */
export interface SilverModel {
  readonly features: FeatureConfig;
  readonly labels: LabelDefinition;
}

/**
 * Everything the refiner remembers about one symbol between batches and, rebuilt from `silver.ticks`, across
 * restarts: the domain's feature and label states, plus the event ids applied at the latest event time.
 */
export interface SymbolBook {
  readonly features: FeatureState;
  readonly labels: LabelTrackerState;
  /**
   * Ids of the applied ticks whose event time is `features.lastEventTimeUs`. A tick at that same time with one of
   * these ids is a replay of an event Silver holds; any other tick at or after it is new, and one before it is
   * late (the domain's policy), new or not. So the refiner knows which ticks are new before it MERGEs.
   */
  readonly headIds: ReadonlySet<string>;
}

export type BookStep =
  | { readonly kind: 'duplicate' }
  | {
      readonly kind: 'applied';
      readonly book: SymbolBook;
      readonly values: FeatureVector;
      /** The model sequence ending at this tick (raw features), null until L complete vectors exist. */
      readonly sequence: number[][] | null;
      readonly outcomes: readonly LabelOutcome[];
    }
  | { readonly kind: 'late' | 'expired'; readonly book: SymbolBook };

export function initialBook(): SymbolBook {
  return { features: initialFeatureState(), labels: initialLabelTrackerState(), headIds: new Set() };
}

/** One tick of the book's symbol, in arrival order. */
export function stepBook(book: SymbolBook, tick: SilverTick, model: SilverModel): BookStep {
  const last = book.features.lastEventTimeUs;
  if (last !== null && tick.eventTimeUs === last && book.headIds.has(tick.eventId)) {
    return { kind: 'duplicate' };
  }
  const step = stepFeatures(book.features, tick, model.features);
  if (step.kind !== 'applied') return { kind: step.kind, book };
  const labelStep = stepLabelTracker(book.labels, tick, model.labels);
  const headIds =
    last !== null && tick.eventTimeUs === last
      ? new Set([...book.headIds, tick.eventId])
      : new Set([tick.eventId]);
  return {
    kind: 'applied',
    book: { features: step.state, labels: labelStep.state, headIds },
    values: step.row.values,
    sequence: modelSequence(step.state, model.features),
    outcomes: labelStep.outcomes,
  };
}

/**
 * Which trailing applied ticks per symbol rebuild a book exactly: its last `ticks` ticks (features, and the label
 * tracker of a ticks horizon), and for a seconds horizon also every tick within `lookbackUs` of the symbol's latest
 * (the events still waiting) plus `ticksBeforeLookback` ticks before them (the σ window of the oldest waiting one).
 */
export interface ReplayPlan {
  readonly ticks: number;
  readonly lookback: { readonly lookbackUs: bigint; readonly ticksBeforeLookback: number } | null;
}

export function replayPlan(model: SilverModel): ReplayPlan {
  const features = replayTicksRequired(model.features);
  const labels = labelReplayTicksRequired(model.labels);
  const { horizon } = model.labels;
  return {
    ticks: Math.max(features, labels ?? 0),
    lookback:
      horizon.kind === 'seconds'
        ? { lookbackUs: horizonMicros(horizon.seconds), ticksBeforeLookback: returnsNeeded(model.labels) + 1 }
        : null,
  };
}

/**
 * A book rebuilt from a symbol's trailing applied ticks in arrival order (those {@link replayPlan} names, plus every
 * tick at the latest event time; more are fine), equal to the book of the uninterrupted process.
 */
export function rebuildBook(trailingApplied: readonly SilverTick[], model: SilverModel): SymbolBook {
  const features = rebuildFeatureState(trailingApplied, model.features);
  const last = features.lastEventTimeUs;
  return {
    features,
    labels: rebuildLabelTrackerState(trailingApplied, model.labels),
    headIds: new Set(trailingApplied.filter((t) => t.eventTimeUs === last).map((t) => t.eventId)),
  };
}
