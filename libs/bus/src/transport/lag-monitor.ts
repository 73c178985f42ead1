import { errorMessage, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { TopicPartition } from '../records';

/** Where the stage stands on a partition: the next offset it will handle. */
export interface PartitionProgress extends TopicPartition {
  readonly next: bigint;
}

export interface LagMonitorDeps {
  /** High watermark per partition of a (logical) topic. */
  readonly highWatermarks: (topic: string) => Promise<ReadonlyMap<number, bigint>>;
  readonly progress: () => readonly PartitionProgress[];
  readonly isAssigned: (partition: TopicPartition) => boolean;
  readonly metrics: PipelineMetrics;
  readonly logger: JsonLogger;
}

/**
 * Refreshes the lag gauge between batches. The runner sets it after each batch, but a stage that is stuck retrying
 * (or simply waiting on a slow handler) handles no batch while producers keep writing; this keeps the gauge honest
 * for dashboards and autoscalers.
 */
export class LagMonitor {
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly deps: LagMonitorDeps) {}

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
  }

  async refresh(): Promise<void> {
    const assigned = this.deps.progress().filter((p) => this.deps.isAssigned(p));
    for (const topic of new Set(assigned.map((p) => p.topic))) {
      let high: ReadonlyMap<number, bigint>;
      try {
        high = await this.deps.highWatermarks(topic);
      } catch (error) {
        this.deps.logger.warn(
          { msg: 'lag refresh failed', topic, error: errorMessage(error) },
          LagMonitor.name,
        );
        continue;
      }
      for (const p of assigned.filter((a) => a.topic === topic)) {
        const h = high.get(p.partition);
        if (h === undefined) continue;
        const lag = h > p.next ? h - p.next : 0n;
        this.deps.metrics.consumerLag.set({ topic, partition: String(p.partition) }, Number(lag));
      }
    }
  }
}
