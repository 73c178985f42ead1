import { PipelineMetrics } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Seconds from a record's Kafka timestamp to its socket emit: a hop of milliseconds to a stalled second. */
const EMIT_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const COMMIT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The publisher's own metrics, on the app's registry (`/metrics`). */
@Injectable()
export class PublisherMetrics {
  readonly connectedClients: Gauge;
  readonly emits: Counter<'event'>;
  readonly emitLatency: Histogram<'event'>;
  readonly dropped: Counter<'reason'>;
  readonly goldCommitSeconds: Histogram<'table'>;
  readonly rollingAccuracy: Gauge<'model_version' | 'metric'>;
  readonly driftAlert: Gauge<'model_version'>;
  readonly modelRejects: Counter;
  readonly authFailures: Counter<'edge' | 'code'>;

  constructor(pipeline: PipelineMetrics) {
    this.connectedClients = pipeline.register(
      new Gauge({ name: 'publisher_socket_clients', help: 'Connected Socket.IO clients', registers: [] }),
    );
    this.emits = pipeline.register(
      new Counter({
        name: 'publisher_socket_emits_total',
        help: 'Events emitted to rooms (rate() gives emits/s)',
        labelNames: ['event'],
        registers: [],
      }),
    );
    this.emitLatency = pipeline.register(
      new Histogram({
        name: 'publisher_emit_latency_seconds',
        help: 'From the Kafka record timestamp to the socket emit',
        labelNames: ['event'],
        buckets: EMIT_LATENCY_BUCKETS,
        registers: [],
      }),
    );
    this.dropped = pipeline.register(
      new Counter({
        name: 'publisher_socket_dropped_total',
        help: 'Messages not sent to a client: its buffer was full, or it was disconnected for being too slow',
        labelNames: ['reason'],
        registers: [],
      }),
    );
    this.goldCommitSeconds = pipeline.register(
      new Histogram({
        name: 'publisher_gold_commit_seconds',
        help: 'Duration of one Gold commit (MERGE with its positions)',
        labelNames: ['table'],
        buckets: COMMIT_BUCKETS,
        registers: [],
      }),
    );
    this.rollingAccuracy = pipeline.register(
      new Gauge({
        name: 'publisher_rolling_accuracy',
        help: 'Rolling metrics of a model version over all symbols (gold.accuracy, scope *)',
        labelNames: ['model_version', 'metric'],
        registers: [],
      }),
    );
    this.driftAlert = pipeline.register(
      new Gauge({
        name: 'publisher_drift_alert',
        help: '1 while the model version’s rolling MCC stays below the baseline MCC for the configured window',
        labelNames: ['model_version'],
        registers: [],
      }),
    );
    this.modelRejects = pipeline.register(
      new Counter({
        name: 'publisher_model_rejects_total',
        help: 'signals.predictions rejects: events the model could not score',
        registers: [],
      }),
    );
    this.authFailures = pipeline.register(
      new Counter({
        name: 'publisher_auth_failures_total',
        help: 'Refused tokens',
        labelNames: ['edge', 'code'],
        registers: [],
      }),
    );
  }
}
