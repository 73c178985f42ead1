import { MessageProducer, type RefinedTick, type SignalRecord, signalRecords } from '@lakehouse/bus';
import type { ServingModel } from '@lakehouse/model';
import { Clock } from '@lakehouse/platform';
import { Inject, Injectable } from '@nestjs/common';
import { PREDICTOR_TOPICS } from './config/predictor.config';
import { ModelHolder } from './serving/model-holder';
import { PredictorMetrics } from './serving/predictor-metrics';
import {
  type PredictionRejectCode,
  type ScoredWith,
  predictionRecord,
  rejectRecord,
} from './signals/signal-records';

/**
 * Windows per forward pass, at most: the batch size at which the served GRU's throughput levels off on a CPU
 * (docs/BENCHMARKS.md, model section: ~39.5k predictions/s at 512), so a pass adds ~13 ms, not a whole fetch's worth.
 */
export const MAX_WINDOWS_PER_PASS = 512;

/** Monotonic milliseconds (performance.now), for latencies; injectable so tests can step it. */
export const MONOTONIC_MS = Symbol('MONOTONIC_MS');
export type MonotonicMs = () => number;

/** One consumed record as the consumer decoded it. */
export type PredictorInput =
  | { readonly kind: 'tick'; readonly tick: RefinedTick }
  | { readonly kind: 'undecodable'; readonly symbol: string | null; readonly reason: string };

/** What one batch came to (for logs and tests). */
export interface BatchSummary {
  readonly predictions: number;
  readonly rejects: number;
  /** Ticks without a window yet: not scored, not an error. */
  readonly skipped: number;
  readonly modelVersion: string;
}

type Slot =
  | { readonly kind: 'record'; readonly record: SignalRecord }
  | { readonly kind: 'scored'; readonly row: number };

/**
 * Refined ticks → `signals.predictions`: the windows of a batch scored by one model version in forward passes of
 * at most {@link MAX_WINDOWS_PER_PASS}, each pass's predictions produced as soon as it is done, as one run record per
 * symbol (schema 2: the pass's model, backend and latency stated once), keyed by symbol, each symbol's events in
 * input order; a reject goes as a schema-1 record of its own between its symbol's runs. (A Kafka fetch of
 * `ticks.refined` runs can hold thousands of windows; one pass over all of them would make the first event of the
 * batch wait for the last.) The predictor keeps nothing per symbol (the refiner ships the window), so replicas in
 * one consumer group split the partitions freely.
 *
 * Never throws for bad input: an undecodable record, a window of the wrong shape or feature version, or a window
 * with NaN/±Infinity becomes a `reject` record with its reason code. It throws only when no model is loaded
 * (`MODEL_NOT_READY`) or the produce fails; the batch is then retried from its first offset.
 */
@Injectable()
export class PredictorService {
  constructor(
    private readonly producer: MessageProducer,
    private readonly clock: Clock,
    private readonly holder: ModelHolder,
    private readonly metrics: PredictorMetrics,
    @Inject(MONOTONIC_MS) private readonly monotonicMs: MonotonicMs,
  ) {}

  /** `receivedAtMs`: monotonic time the batch was handed to the stage (the start of the added latency). */
  async predict(inputs: readonly PredictorInput[], receivedAtMs: number): Promise<BatchSummary> {
    return this.holder.withModel(async (model) => {
      let total: BatchSummary | undefined;
      for (const slice of passesOf(inputs)) {
        const { records, summary } = await this.score(model, slice, receivedAtMs);
        const messages = [...signalRecords(records)];
        if (messages.length > 0) await this.producer.send(PREDICTOR_TOPICS.output, messages);
        total =
          total === undefined
            ? summary
            : {
                predictions: total.predictions + summary.predictions,
                rejects: total.rejects + summary.rejects,
                skipped: total.skipped + summary.skipped,
                modelVersion: summary.modelVersion,
              };
      }
      return total!;
    });
  }

  private async score(
    model: ServingModel,
    inputs: readonly PredictorInput[],
    receivedAtMs: number,
  ): Promise<{ records: SignalRecord[]; summary: BatchSummary }> {
    const producedAt = this.clock.now().toISOString();
    const { manifest } = model;
    const { timesteps, features } = manifest.network;
    const version = manifest.version;
    const slots: Slot[] = [];
    const candidates: RefinedTick[] = [];
    let skipped = 0;
    const reject = (
      about: { eventId: string | null; symbol: string | null },
      code: PredictionRejectCode,
      reason: string,
    ) => slots.push({ kind: 'record', record: rejectRecord(about, code, reason, version, producedAt) });

    for (const input of inputs) {
      if (input.kind === 'undecodable') {
        reject({ eventId: null, symbol: input.symbol }, 'UNDECODABLE_RECORD', input.reason);
        continue;
      }
      const { tick } = input;
      if (tick.window === null) {
        skipped += 1;
        continue;
      }
      if (tick.featureVersion !== manifest.features.version) {
        reject(
          tick,
          'FEATURE_VERSION_MISMATCH',
          `window has features ${tick.featureVersion}, model ${version} was trained on ${manifest.features.version}`,
        );
      } else if (tick.window.steps !== timesteps || tick.window.features !== features) {
        reject(
          tick,
          'SHAPE_MISMATCH',
          `window is ${tick.window.steps}×${tick.window.features}, model ${version} expects ${timesteps}×${features}`,
        );
      } else {
        slots.push({ kind: 'scored', row: candidates.length });
        candidates.push(tick);
      }
    }

    const scored = await this.scoreWindows(model, candidates, timesteps, features);
    const latencyMs = Math.max(0, this.monotonicMs() - receivedAtMs);
    const records: SignalRecord[] = [];
    let predictions = 0;
    for (const slot of slots) {
      if (slot.kind === 'record') {
        records.push(slot.record);
        continue;
      }
      const tick = candidates[slot.row]!;
      const outcome = scored.rows[slot.row]!;
      if (outcome.ok) {
        records.push(
          predictionRecord(tick, outcome.probability, outcome.label, scored.with, latencyMs, producedAt),
        );
        predictions += 1;
      } else {
        records.push(rejectRecord(tick, outcome.code, outcome.reason, version, producedAt));
      }
    }
    const rejects = records.length - predictions;
    this.count(records, predictions, skipped, scored.with);
    return { records, summary: { predictions, rejects, skipped, modelVersion: scored.with.modelVersion } };
  }

  /** One forward pass over every candidate window. */
  private async scoreWindows(
    model: ServingModel,
    ticks: readonly RefinedTick[],
    timesteps: number,
    features: number,
  ): Promise<{ with: ScoredWith; rows: RowOutcome[] }> {
    const fallback: ScoredWith = {
      modelVersion: model.version,
      backend: model.backendLabel,
      labelVersion: model.manifest.label.version,
      threshold: model.manifest.threshold,
    };
    if (ticks.length === 0) return { with: fallback, rows: [] };
    const size = timesteps * features;
    const windows = new Float32Array(ticks.length * size);
    ticks.forEach((tick, i) => windows.set(tick.window!.values, i * size));
    const started = this.monotonicMs();
    const served = await model.predictBatch(windows, ticks.length, timesteps, features);
    this.metrics.inference.observe({ backend: served.backend }, (this.monotonicMs() - started) / 1000);
    const scoredWith: ScoredWith = {
      modelVersion: served.modelVersion,
      backend: served.backend,
      labelVersion: served.labelVersion,
      threshold: served.threshold,
    };
    if (!served.ok) {
      return {
        with: scoredWith,
        rows: ticks.map(() => ({ ok: false, code: served.code, reason: served.reason })),
      };
    }
    const rejected = new Map(served.rejects.map((r) => [r.index, r]));
    const rows = ticks.map((_, i): RowOutcome => {
      const refused = rejected.get(i);
      if (refused) return { ok: false, code: refused.code, reason: refused.reason };
      const probability = served.probabilities[i]!;
      if (!(probability >= 0 && probability <= 1)) {
        return { ok: false, code: 'NON_FINITE_OUTPUT', reason: `the model returned ${probability}` };
      }
      return { ok: true, probability, label: served.jumps[i] === 1 ? 1 : 0 };
    });
    return { with: scoredWith, rows };
  }

  private count(
    records: readonly SignalRecord[],
    predictions: number,
    skipped: number,
    scoredWith: ScoredWith,
  ): void {
    if (predictions > 0) {
      this.metrics.predictions.inc(
        { backend: scoredWith.backend, model_version: scoredWith.modelVersion },
        predictions,
      );
    }
    for (const record of records)
      if (record.kind === 'reject') this.metrics.rejects.inc({ code: record.reasonCode });
    if (skipped > 0) this.metrics.skipped.inc({ reason: 'no_window' }, skipped);
  }
}

type RowOutcome =
  | { readonly ok: true; readonly probability: number; readonly label: 0 | 1 }
  | { readonly ok: false; readonly code: PredictionRejectCode; readonly reason: string };

/** Consecutive slices of a batch with at most {@link MAX_WINDOWS_PER_PASS} windows each (one slice if it is empty). */
function* passesOf(inputs: readonly PredictorInput[]): Generator<readonly PredictorInput[]> {
  let start = 0;
  let windows = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (input.kind !== 'tick' || input.tick.window === null) continue;
    if (windows === MAX_WINDOWS_PER_PASS) {
      yield inputs.slice(start, i);
      start = i;
      windows = 0;
    }
    windows += 1;
  }
  if (start < inputs.length || inputs.length === 0) yield inputs.slice(start);
}
