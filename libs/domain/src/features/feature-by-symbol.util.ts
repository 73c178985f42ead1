import { SilverTick } from '../tick/silver-tick.schema';
import { FeatureConfig } from './feature.config';
import { FeatureState, initialFeatureState } from './feature-state.schema';
import { FeatureStepResult, stepFeatures } from './feature-step.util';

/**
 * {@link stepFeatures} over a mixed-symbol batch: each tick steps its own symbol's state (a fresh one for a new
 * symbol). Returns the updated states (the input map is not modified) and one result per tick, in input order.
 */
export function stepFeaturesBySymbol(
  states: ReadonlyMap<string, FeatureState>,
  ticks: Iterable<SilverTick>,
  config: FeatureConfig,
): { states: Map<string, FeatureState>; results: FeatureStepResult[] } {
  const next = new Map(states);
  const results: FeatureStepResult[] = [];
  for (const tick of ticks) {
    const result = stepFeatures(next.get(tick.symbol) ?? initialFeatureState(), tick, config);
    next.set(tick.symbol, result.state);
    results.push(result);
  }
  return { states: next, results };
}
