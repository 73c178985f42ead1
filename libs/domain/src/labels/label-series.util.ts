import { populationStd } from '../features/rolling-stats.util';
import { SilverTick } from '../tick/silver-tick.schema';
import { LabelDefinition, LabelOutcome, horizonMicros, labelOf } from './label-definition.config';

/** Drops ticks older than the latest seen so far: the tracker's late rule, applied to a whole series. */
function inOrder(ticks: readonly SilverTick[]): SilverTick[] {
  const kept: SilverTick[] = [];
  for (const tick of ticks) {
    const last = kept.at(-1);
    if (last === undefined || tick.eventTimeUs >= last.eventTimeUs) kept.push(tick);
  }
  return kept;
}

function horizonEnd(ticks: readonly SilverTick[], i: number, def: LabelDefinition): number | null {
  if (def.horizon.kind === 'ticks')
    return i + def.horizon.ticks < ticks.length ? i + def.horizon.ticks : null;
  const due = (ticks[i] as SilverTick).eventTimeUs + horizonMicros(def.horizon.seconds);
  for (let j = i + 1; j < ticks.length; j += 1) if ((ticks[j] as SilverTick).eventTimeUs >= due) return j;
  return null;
}

function thresholdAt(returns: readonly number[], i: number, def: LabelDefinition): number | null {
  if (def.threshold.kind === 'bps') return def.threshold.bps / 10_000;
  // returns[i - 1] is the return into tick i; the window ends with it.
  const { window, k } = def.threshold;
  if (i < window) return null;
  return k * populationStd(returns.slice(i - window, i));
}

/**
 * Labels a whole ordered series of one symbol at once, as the training job does: the same rule, the same late
 * filter and the same outcomes, in the same order, as feeding the ticks one by one to {@link stepLabelTracker}.
 * Events whose horizon lies beyond the series' end get no outcome.
 */
export function labelSeries(ticks: readonly SilverTick[], def: LabelDefinition): LabelOutcome[] {
  const series = inOrder(ticks);
  const returns = series.slice(1).map((tick, i) => Math.log(tick.price / (series[i] as SilverTick).price));
  const ends = series.map((_, i) => ({ i, end: horizonEnd(series, i, def) }));
  const outcomes: Array<LabelOutcome & { end: number }> = [];
  for (const { i, end } of ends) {
    const threshold = thresholdAt(returns, i, def);
    if (end === null || threshold === null) continue;
    const start = series[i] as SilverTick;
    const closing = series[end] as SilverTick;
    const realizedReturn = Math.log(closing.price / start.price);
    outcomes.push({
      eventId: start.eventId,
      eventTimeUs: start.eventTimeUs,
      horizonEventId: closing.eventId,
      realizedReturn,
      threshold,
      label: labelOf(realizedReturn, threshold),
      labelVersion: def.version,
      end,
    });
  }
  // The tracker emits outcomes as their horizons close; order the same way (stable, so ties keep event order).
  return outcomes.sort((a, b) => a.end - b.end).map(({ end: _end, ...outcome }) => outcome);
}
