import { populationStd } from '../features/rolling-stats.util';

/**
 * What "a price jump" means, shared by the training job and live serving so that both label the same event
 * identically (no train/serve skew). A definition never changes once used: change anything and bump `version`;
 * every outcome carries the version it was computed under.
 *
 * Label rule (v1): with p₀ the event's price and p₁ the price at the end of the horizon, the realized return is
 * the log return r = ln(p₁ / p₀), and `label = 1` when |r| > τ (strictly), else 0. The move is absolute — a crash
 * is as much a jump as a spike — because the model predicts that a jump happens; its direction is a separate
 * question with its own base rate.
 *
 * - Horizon `ticks: h`: p₁ is the price of the h-th later tick of the same symbol.
 * - Horizon `seconds: s`: p₁ is the price of the first later tick whose event time is ≥ t₀ + s.
 * - Threshold `bps: b`: τ = b / 10 000 (in log-return units; 1 bp ≈ 0.0001).
 * - Threshold `sigma: k × σ`: τ = k · σ, σ the population std of the last `window` one-tick log returns up to and
 *   including the event's own return — known at the event's time, no look-ahead. An event with fewer than
 *   `window` returns behind it has no threshold and never gets an outcome.
 */
export interface LabelDefinition {
  readonly version: string;
  readonly horizon:
    | { readonly kind: 'ticks'; readonly ticks: number }
    | { readonly kind: 'seconds'; readonly seconds: number };
  readonly threshold:
    | { readonly kind: 'bps'; readonly bps: number }
    | { readonly kind: 'sigma'; readonly k: number; readonly window: number };
}

/**
 * Default for the pipeline: a move of more than 3σ of the last 50 one-tick returns within the next 10 ticks. On
 * data/sample (4 ticks a day) that marks about 18% of events as jumps; 2σ would mark 37%.
 */
export const DEFAULT_LABEL_DEFINITION: LabelDefinition = {
  version: 'jump-abs-v1',
  horizon: { kind: 'ticks', ticks: 10 },
  threshold: { kind: 'sigma', k: 3, window: 50 },
};

/** A realized outcome of one earlier event. */
export interface LabelOutcome {
  readonly eventId: string;
  readonly eventTimeUs: bigint;
  /** The tick that closed the horizon. */
  readonly horizonEventId: string;
  readonly realizedReturn: number;
  readonly threshold: number;
  readonly label: 0 | 1;
  readonly labelVersion: string;
}

const BPS_PER_UNIT = 10_000;
const MICROS_PER_SECOND = 1_000_000;

/** @throws RangeError for a definition that cannot label anything (non-positive horizon, negative threshold…) */
export function assertLabelDefinition(def: LabelDefinition): void {
  const { horizon, threshold } = def;
  if (def.version.length === 0) throw new RangeError('label version must not be empty');
  if (horizon.kind === 'ticks' && !(Number.isInteger(horizon.ticks) && horizon.ticks >= 1)) {
    throw new RangeError('horizon.ticks must be an integer ≥ 1');
  }
  if (horizon.kind === 'seconds' && !(horizon.seconds > 0))
    throw new RangeError('horizon.seconds must be > 0');
  if (threshold.kind === 'bps' && !(threshold.bps >= 0)) throw new RangeError('threshold.bps must be ≥ 0');
  if (
    threshold.kind === 'sigma' &&
    !(threshold.k >= 0 && Number.isInteger(threshold.window) && threshold.window >= 2)
  ) {
    throw new RangeError('threshold.k must be ≥ 0 and threshold.window an integer ≥ 2');
  }
}

/** τ for a fixed-bps definition, or k·σ over the given trailing returns; null when σ is not yet defined. */
export function labelThreshold(def: LabelDefinition, trailingReturns: readonly number[]): number | null {
  const { threshold } = def;
  switch (threshold.kind) {
    case 'bps':
      return threshold.bps / BPS_PER_UNIT;
    case 'sigma':
      return trailingReturns.length < threshold.window
        ? null
        : threshold.k * populationStd(trailingReturns.slice(-threshold.window));
  }
}

/** The horizon of a seconds definition in µs (sub-µs fractions rounded). */
export function horizonMicros(seconds: number): bigint {
  return BigInt(Math.round(seconds * MICROS_PER_SECOND));
}

/** How many one-tick returns the threshold needs behind an event (0 for fixed bps). */
export function returnsNeeded(def: LabelDefinition): number {
  return def.threshold.kind === 'sigma' ? def.threshold.window : 0;
}

export function labelOf(realizedReturn: number, threshold: number): 0 | 1 {
  return Math.abs(realizedReturn) > threshold ? 1 : 0;
}
