import { PipelineMetrics } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Seconds of one batched forward pass: sub-millisecond (onnxruntime) to a slow wasm batch. */
const INFERENCE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** The predictor's own metrics, on the app's registry. The active backend is a label of each of them. */
@Injectable()
export class PredictorMetrics {
  readonly predictions: Counter<'backend' | 'model_version'>;
  readonly rejects: Counter<'code'>;
  readonly skipped: Counter<'reason'>;
  readonly inference: Histogram<'backend'>;
  readonly model: Gauge<'backend' | 'model_version'>;

  constructor(metrics: PipelineMetrics) {
    this.predictions = metrics.register(
      new Counter({
        name: 'lakehouse_predictor_predictions_total',
        help: 'Events scored, by backend and model version',
        labelNames: ['backend', 'model_version'],
        registers: [],
      }),
    );
    this.rejects = metrics.register(
      new Counter({
        name: 'lakehouse_predictor_rejects_total',
        help: 'Events answered with a reject record, by reason code',
        labelNames: ['code'],
        registers: [],
      }),
    );
    this.skipped = metrics.register(
      new Counter({
        name: 'lakehouse_predictor_skipped_total',
        help: 'Events not scored and not an error (no_window: the symbol has fewer than L complete vectors yet)',
        labelNames: ['reason'],
        registers: [],
      }),
    );
    this.inference = metrics.register(
      new Histogram({
        name: 'lakehouse_predictor_inference_seconds',
        help: 'One batched forward pass (validation, normalization, predict)',
        labelNames: ['backend'],
        buckets: INFERENCE_BUCKETS,
        registers: [],
      }),
    );
    this.model = metrics.register(
      new Gauge({
        name: 'lakehouse_predictor_model_info',
        help: '1 for the model version being served and the backend really running it',
        labelNames: ['backend', 'model_version'],
        registers: [],
      }),
    );
  }

  /** Points the info gauge at the version now served (one series at 1). */
  serving(modelVersion: string, backend: string): void {
    this.model.reset();
    this.model.set({ model_version: modelVersion, backend }, 1);
  }
}
