/** When a model version counts as drifting. */
export interface DriftRule {
  /** Resolved events the rolling window must hold before the rule judges at all. */
  readonly minWindowN: number;
  /** Consecutive evaluations below the baseline before the alert is raised (1: at once). */
  readonly consecutive: number;
}

/** One evaluation of a model version's rolling window. */
export interface DriftObservation {
  readonly n: number;
  readonly mcc: number | null;
  readonly baselineMcc: number | null;
}

export interface DriftState {
  /** Evaluations in a row that were below the baseline. */
  readonly below: number;
  readonly drifting: boolean;
}

export const NOT_DRIFTING: DriftState = { below: 0, drifting: false };

/**
 * Steps the drift rule: an evaluation is "below" when the window holds at least `minWindowN` events and the rolling
 * MCC is defined and strictly under the baseline's; `consecutive` of those in a row raise the alert, and the first
 * evaluation that is not below clears it. A window too small to judge keeps the previous state unchanged. An
 * undefined MCC (the model predicted one class only) is judged equal to the baseline: not below.
 */
export function stepDrift(state: DriftState, observation: DriftObservation, rule: DriftRule): DriftState {
  if (!(Number.isInteger(rule.consecutive) && rule.consecutive >= 1))
    throw new RangeError('consecutive must be an integer ≥ 1');
  if (observation.n < rule.minWindowN) return state;
  const mcc = observation.mcc ?? 0;
  const below = observation.baselineMcc !== null && mcc < observation.baselineMcc;
  if (!below) return NOT_DRIFTING;
  const count = state.below + 1;
  return { below: count, drifting: count >= rule.consecutive };
}
