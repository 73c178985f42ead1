import {
  FeatureConfig,
  FeatureState,
  LabelDefinition,
  SilverTick,
  featureNames,
  initialFeatureState,
  labelSeries,
  modelSequence,
  stepFeatures,
} from '@lakehouse/domain';

/**
 * Training examples in the exact form the stream produces them: for every applied tick whose model sequence exists
 * (the domain's `modelSequence` after `stepFeatures`) and whose outcome is known (the domain's `labelSeries`), the
 * raw window [L × F] and the label. Nothing here computes a feature or a label itself, so training cannot skew
 * from serving.
 */
export interface LabeledSequences {
  readonly count: number;
  readonly timesteps: number;
  readonly features: number;
  readonly featureNames: readonly string[];
  /** Raw (unnormalized) windows, row-major [count × L × F]. */
  readonly windows: Float32Array;
  readonly labels: Uint8Array;
  readonly eventTimeUs: BigInt64Array;
  /** Event time of the tick that closed the label's horizon: the moment the label became known. */
  readonly horizonEndUs: BigInt64Array;
  /**
   * The persistence baseline's input: the most recent label of the same symbol already known at the event's time
   * (its horizon closed at or before this tick), or -1 when none is known yet.
   */
  readonly lastKnownLabel: Int8Array;
  readonly symbolIndex: Uint16Array;
  readonly symbols: readonly string[];
}

interface Example {
  window: number[][];
  label: 0 | 1;
  eventTimeUs: bigint;
  horizonEndUs: bigint;
  lastKnownLabel: -1 | 0 | 1;
  symbol: number;
}

function examplesOfSymbol(
  ticks: readonly SilverTick[],
  symbol: number,
  features: FeatureConfig,
  label: LabelDefinition,
): Example[] {
  const outcomes = labelSeries(ticks, label);
  const outcomeByEvent = new Map(outcomes.map((o) => [o.eventId, o]));
  const timeOfEvent = new Map(ticks.map((t) => [t.eventId, t.eventTimeUs]));
  // labelSeries returns outcomes in the order their horizons close: walk them alongside the ticks.
  let closed = 0;
  let lastKnown: -1 | 0 | 1 = -1;
  const closedByTick = new Map<string, number>();
  outcomes.forEach((o, i) => closedByTick.set(o.horizonEventId, i + 1));

  const examples: Example[] = [];
  let state: FeatureState = initialFeatureState();
  for (const tick of ticks) {
    const step = stepFeatures(state, tick, features);
    if (step.kind !== 'applied') continue;
    state = step.state;
    const closesUpTo = closedByTick.get(tick.eventId);
    if (closesUpTo !== undefined && closesUpTo > closed) {
      closed = closesUpTo;
      lastKnown = outcomes[closed - 1]!.label;
    }
    const outcome = outcomeByEvent.get(tick.eventId);
    const window = outcome === undefined ? null : modelSequence(state, features);
    if (outcome === undefined || window === null) continue;
    examples.push({
      window,
      label: outcome.label,
      eventTimeUs: tick.eventTimeUs,
      horizonEndUs: timeOfEvent.get(outcome.horizonEventId) ?? tick.eventTimeUs,
      lastKnownLabel: lastKnown,
      symbol,
    });
  }
  return examples;
}

/** Builds every labeled window of every symbol; `series` maps a symbol to its ticks in event-time order. */
export function buildLabeledSequences(
  series: ReadonlyMap<string, readonly SilverTick[]>,
  features: FeatureConfig,
  label: LabelDefinition,
): LabeledSequences {
  const symbols = [...series.keys()];
  const names = featureNames(features);
  const timesteps = features.sequenceLength;
  const width = names.length;
  const examples = symbols.flatMap((symbol, i) =>
    examplesOfSymbol(series.get(symbol) ?? [], i, features, label),
  );
  const windowSize = timesteps * width;
  const windows = new Float32Array(examples.length * windowSize);
  examples.forEach((example, i) => windows.set(example.window.flat(), i * windowSize));
  return {
    count: examples.length,
    timesteps,
    features: width,
    featureNames: names,
    windows,
    labels: Uint8Array.from(examples, (e) => e.label),
    eventTimeUs: BigInt64Array.from(examples, (e) => e.eventTimeUs),
    horizonEndUs: BigInt64Array.from(examples, (e) => e.horizonEndUs),
    lastKnownLabel: Int8Array.from(examples, (e) => e.lastKnownLabel),
    symbolIndex: Uint16Array.from(examples, (e) => e.symbol),
    symbols,
  };
}
