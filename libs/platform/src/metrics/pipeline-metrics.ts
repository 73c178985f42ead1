import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; spans a fast in-memory hop to a slow Delta commit. */
const BATCH_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The app's one Prometheus registry: default process metrics plus the pipeline metrics every stage shares. The bus
 * transport and producer record these; stage code never does. A stage adds its own with {@link register}.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly recordsConsumed: Counter<'topic'>;
  readonly recordsProduced: Counter<'topic'>;
  readonly batchDuration: Histogram<'topic'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly handlerFailures: Counter<'topic' | 'code'>;

  constructor(readonly stage: string) {
    this.registry.setDefaultLabels({ stage });
    collectDefaultMetrics({ register: this.registry });
    this.recordsConsumed = this.register(
      new Counter({
        name: 'lakehouse_records_consumed_total',
        help: 'Records handed to the stage',
        labelNames: ['topic'],
        registers: [],
      }),
    );
    this.recordsProduced = this.register(
      new Counter({
        name: 'lakehouse_records_produced_total',
        help: 'Records acknowledged by Kafka',
        labelNames: ['topic'],
        registers: [],
      }),
    );
    this.batchDuration = this.register(
      new Histogram({
        name: 'lakehouse_batch_duration_seconds',
        help: 'Time the stage took to handle one consumed batch',
        labelNames: ['topic'],
        registers: [],
        buckets: BATCH_DURATION_BUCKETS,
      }),
    );
    this.consumerLag = this.register(
      new Gauge({
        name: 'lakehouse_consumer_lag',
        help: 'High watermark minus the next offset to handle, per partition, after the last batch',
        labelNames: ['topic', 'partition'],
        registers: [],
      }),
    );
    this.handlerFailures = this.register(
      new Counter({
        name: 'lakehouse_batch_failures_total',
        help: 'Batches whose handler failed and were retried from the durable position',
        labelNames: ['topic', 'code'],
        registers: [],
      }),
    );
  }

  /** Registers a stage's own metric on the app registry (construct it with `registers: []`). */
  register<M extends Parameters<Registry['registerMetric']>[0]>(metric: M): M {
    this.registry.registerMetric(metric);
    return metric;
  }
}
