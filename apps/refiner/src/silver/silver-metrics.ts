import { PipelineMetrics } from '@lakehouse/platform';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

const SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** Silver's own metrics, on the app's registry. */
@Injectable()
export class SilverMetrics {
  readonly bronzeRows: Counter;
  readonly inserted: Counter;
  readonly rejected: Counter<'reason'>;
  readonly duplicates: Counter<'where'>;
  readonly lateTicks: Counter<'status'>;
  readonly commitDuration: Histogram;
  readonly commitFailures: Counter<'code'>;
  readonly position: Gauge;
  readonly freshness: Histogram;
  readonly announceLatency: Histogram;
  readonly lateRepaired: Counter<'kind'>;
  readonly lateRepairOutcomes: Counter;
  readonly bronzeReads: Counter<'source'>;

  constructor(metrics: PipelineMetrics) {
    this.bronzeReads = metrics.register(
      new Counter({
        name: 'silver_bronze_reads_total',
        help: 'Bronze chunks refined, by where their rows came from: the change feed, or handed over with the commit notification',
        labelNames: ['source'],
        registers: [],
      }),
    );
    this.bronzeRows = metrics.register(
      new Counter({ name: 'silver_bronze_rows_total', help: 'Bronze rows refined', registers: [] }),
    );
    this.inserted = metrics.register(
      new Counter({
        name: 'silver_rows_inserted_total',
        help: 'Rows the Silver MERGE inserted',
        registers: [],
      }),
    );
    this.rejected = metrics.register(
      new Counter({
        name: 'silver_rows_rejected_total',
        help: 'Bronze rows quarantined, by reason code (a row with several reasons counts under each)',
        labelNames: ['reason'],
        registers: [],
      }),
    );
    this.duplicates = metrics.register(
      new Counter({
        name: 'silver_duplicates_total',
        help: 'Copies of an event dropped: within a chunk, at the head of a symbol, or merged away by MERGE',
        labelNames: ['where'],
        registers: [],
      }),
    );
    this.lateTicks = metrics.register(
      new Counter({
        name: 'silver_late_ticks_total',
        help: 'Ticks older than their symbol latest event time, stored flagged without features',
        labelNames: ['status'],
        registers: [],
      }),
    );
    this.commitDuration = metrics.register(
      new Histogram({
        name: 'silver_commit_duration_seconds',
        help: 'Quarantine append + Silver MERGE of one chunk',
        buckets: SECONDS_BUCKETS,
        registers: [],
      }),
    );
    this.commitFailures = metrics.register(
      new Counter({
        name: 'silver_commit_failures_total',
        help: 'Failed chunks (COMMIT_CONFLICT: another refiner wrote); the refiner resumes from Silver',
        labelNames: ['code'],
        registers: [],
      }),
    );
    this.position = metrics.register(
      new Gauge({ name: 'silver_bronze_position', help: 'Last Bronze version refined', registers: [] }),
    );
    this.freshness = metrics.register(
      new Histogram({
        name: 'silver_freshness_seconds',
        help: 'From Bronze ingest time to visible in silver.ticks, per inserted row',
        buckets: SECONDS_BUCKETS,
        registers: [],
      }),
    );
    this.announceLatency = metrics.register(
      new Histogram({
        name: 'silver_announce_latency_seconds',
        help: 'From Bronze ingest time to announced on ticks.refined (before the Silver commit), per event',
        buckets: SECONDS_BUCKETS,
        registers: [],
      }),
    );
    this.lateRepaired = metrics.register(
      new Counter({
        name: 'silver_late_repaired_rows_total',
        help: 'Rows the late repair updated: late ticks applied in event-time order (kind=late), later rows whose features changed (kind=recomputed)',
        labelNames: ['kind'],
        registers: [],
      }),
    );
    this.lateRepairOutcomes = metrics.register(
      new Counter({
        name: 'silver_late_repair_outcomes_total',
        help: 'Outcomes the late repair changed or added, handed over for re-emission to ticks.outcomes',
        registers: [],
      }),
    );
  }
}
