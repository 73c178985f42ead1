import { PipelineMetrics } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

const FLUSH_SIZE_BUCKETS = [1, 10, 100, 500, 1000, 5000, 10_000, 50_000, 100_000, 500_000];
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Bronze's own metrics, on the app's registry. `source` is `live` or `batch`. */
@Injectable()
export class BronzeMetrics {
  readonly recordsIn: Counter<'source'>;
  readonly recordsOut: Counter<'source'>;
  readonly deadLettered: Counter<'source' | 'reason'>;
  readonly skippedRedeliveries: Counter<'source'>;
  readonly behindPosition: Counter<'source'>;
  readonly flushSize: Histogram<'source'>;
  readonly flushDuration: Histogram<'source'>;
  readonly commitDuration: Histogram<'table'>;
  readonly commitConflicts: Counter<'table'>;
  readonly tableVersion: Gauge<'table'>;

  constructor(metrics: PipelineMetrics) {
    this.recordsIn = metrics.register(
      new Counter({
        name: 'bronze_records_in_total',
        help: 'Records read',
        labelNames: ['source'],
        registers: [],
      }),
    );
    this.recordsOut = metrics.register(
      new Counter({
        name: 'bronze_records_out_total',
        help: 'Rows committed to bronze.ticks',
        labelNames: ['source'],
        registers: [],
      }),
    );
    this.deadLettered = metrics.register(
      new Counter({
        name: 'bronze_records_dead_lettered_total',
        help: 'Records Bronze could not represent, by reason code',
        labelNames: ['source', 'reason'],
        registers: [],
      }),
    );
    this.behindPosition = metrics.register(
      new Counter({
        name: 'bronze_records_behind_position_total',
        help:
          'Records skipped as already committed from a partition whose end is below the position Bronze stores for it: ' +
          'the topic was recreated or truncated, and these are new records (see the ingestor README)',
        labelNames: ['source'],
        registers: [],
      }),
    );
    this.skippedRedeliveries = metrics.register(
      new Counter({
        name: 'bronze_records_already_committed_total',
        help: 'Redelivered records skipped because bronze.ticks already holds their position',
        labelNames: ['source'],
        registers: [],
      }),
    );
    this.flushSize = metrics.register(
      new Histogram({
        name: 'bronze_flush_records',
        help: 'Records per Bronze flush',
        labelNames: ['source'],
        buckets: FLUSH_SIZE_BUCKETS,
        registers: [],
      }),
    );
    this.flushDuration = metrics.register(
      new Histogram({
        name: 'bronze_flush_duration_seconds',
        help: 'Decode, commit and notify, per flush',
        labelNames: ['source'],
        buckets: SECONDS_BUCKETS,
        registers: [],
      }),
    );
    this.commitDuration = metrics.register(
      new Histogram({
        name: 'bronze_delta_commit_duration_seconds',
        help: 'Delta commit time (quarantine + ticks)',
        labelNames: ['table'],
        buckets: SECONDS_BUCKETS,
        registers: [],
      }),
    );
    this.commitConflicts = metrics.register(
      new Counter({
        name: 'bronze_commit_conflicts_total',
        help: 'Commits refused because another writer covered the same input; the stage re-seeks',
        labelNames: ['table'],
        registers: [],
      }),
    );
    this.tableVersion = metrics.register(
      new Gauge({
        name: 'bronze_table_version',
        help: 'Latest committed version',
        labelNames: ['table'],
        registers: [],
      }),
    );
  }
}
