/** Kafka offsets to commit, as kafkajs takes them (`offset`: the next one to consume). */
export interface OffsetsToCommit {
  readonly topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/**
 * Kafka offset commits off the batch path. A consumer that commits after every batch and waits for it (kafkajs'
 * `autoCommit` in `eachBatch` mode, or an awaited `commitOffsetsIfNecessary`) adds a broker round trip, and an
 * append to `__consumer_offsets`, to every batch: the next fetch of the partition waits for it. Here a batch only
 * offers its next offset; the newest offer of each partition is committed at most once per `intervalMs`, one commit
 * at a time, in the background. {@link flush} commits what is left (before leaving the group).
 *
 * What this costs: a member that stops without a flush (a crash, a rebalance) leaves up to `intervalMs` of batches
 * uncommitted, and whoever takes the partition consumes them again. That is the at-least-once every consumer here
 * already has (stages with a durable position in the lake seek to it and skip them; the others are deduped by event
 * id downstream). Committed offsets lag by up to `intervalMs` too: they serve lag monitoring.
 */
export class OffsetCommitter {
  private readonly offered = new Map<string, { topic: string; partition: number; offset: string }>();
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastCommitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly commit: (offsets: OffsetsToCommit) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The next offset to consume of a partition whose batch is done; committed with the next commit. */
  offer(topic: string, partition: number, offset: string): void {
    this.offered.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.schedule();
  }

  /** Commits every offer not committed yet, after the commit in flight; resolves when done (errors go to `onError`). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    this.commitOffered();
    await this.inFlight;
  }

  private schedule(): void {
    if (this.inFlight !== undefined || this.timer !== undefined) return;
    const wait = this.lastCommitAt + this.intervalMs - this.now();
    if (wait <= 0) {
      this.commitOffered();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.commitOffered();
    }, wait);
    this.timer.unref();
  }

  private commitOffered(): void {
    if (this.offered.size === 0) return;
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of this.offered.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
    }
    this.offered.clear();
    this.lastCommitAt = this.now();
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    // An async function runs `commit` at once (up to its first await) and turns a throw into a rejection.
    const commit = async (): Promise<void> => this.commit({ topics });
    this.inFlight = commit()
      .catch(this.onError)
      .finally(() => {
        this.inFlight = undefined;
        if (this.offered.size > 0) this.schedule();
      });
  }
}
