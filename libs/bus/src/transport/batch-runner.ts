import { errorCode, errorMessage, JsonLogger, PipelineMetrics, withCorrelationId } from '@lakehouse/platform';
import { performance } from 'node:perf_hooks';
import { Namespace, RetryBackoff } from '../bus-options';
import { BusRecord, RecordBatch, TopicPartition, batchIdOf, topicPartitionKey } from '../records';
import { AssignmentTracker } from './assignment-tracker';
import { backoffDelay } from './backoff';
import { ConsumedBatch, ConsumedMessage } from './consumed-batch';
import { OffsetCommitter } from './offset-committer';
import { PartitionProgress } from './lag-monitor';

/** While backing off, heartbeat at least this often so the group does not evict the member. */
const HEARTBEAT_SLICE_MS = 1_000;

export interface BatchRunnerDeps {
  readonly namespace: Namespace;
  /**
   * Hands a batch to the stage and resolves when the stage resolved (rejects when it threw). `heartbeat` keeps the
   * group membership alive during a long handler.
   */
  readonly dispatch: (batch: RecordBatch, heartbeat: () => Promise<void>) => Promise<void>;
  readonly tracker: AssignmentTracker;
  /** Seeks a partition (logical names) to the next offset to consume. */
  readonly seek: (partition: TopicPartition, offset: string) => void;
  readonly metrics: PipelineMetrics;
  readonly logger: JsonLogger;
  readonly retry: RetryBackoff;
  readonly sleep: (ms: number) => Promise<void>;
  /** A done batch's next offset is committed in the background, at most this often. */
  readonly offsetCommitIntervalMs: number;
}

/**
 * One consumed batch, start to finish. Invariant: a partition's consumer offset advances (resolve + commit) only
 * after the stage's handler resolved for the whole batch; when the handler throws, the partition is re-seeked to the
 * stage's durable position (or to the batch's first offset) after a backoff, so no record is ever skipped.
 * Committed offsets serve lag monitoring; exactly-once is the stage's business (its Delta commit). The commit itself
 * is not waited for: the batch offers its next offset to the {@link OffsetCommitter}, which commits in the background
 * at most once per interval, so the partition's next fetch does not wait for a broker round trip.
 */
export class BatchRunner {
  private readonly failures = new Map<string, number>();
  private readonly nextOffsets = new Map<string, PartitionProgress>();
  private readonly committer: OffsetCommitter;
  /** The newest batch's payload: commits go through it (kafkajs' consumer-level commit is a no-op once stopping). */
  private latest: ConsumedBatch | undefined;

  constructor(private readonly deps: BatchRunnerDeps) {
    this.committer = new OffsetCommitter(
      (offsets) => this.latest?.commitOffsetsIfNecessary(offsets) ?? Promise.resolve(),
      deps.offsetCommitIntervalMs,
      // Only lag monitoring depends on it; a rebalance racing the commit is normal, the next offer commits again.
      (error) =>
        deps.logger.warn(
          { msg: 'offset commit failed (lag monitoring only)', error: errorMessage(error) },
          BatchRunner.name,
        ),
    );
  }

  /** Commits the offsets of the batches done so far (before the consumer leaves its group). */
  flushCommits(): Promise<void> {
    return this.committer.flush();
  }

  async run(payload: ConsumedBatch): Promise<void> {
    const { batch } = payload;
    if (!(await this.deps.tracker.ensurePositioned(() => payload.isRunning()))) return;
    // Stale: a seek is pending for this partition, so this batch was fetched from a position we are leaving.
    if (payload.isStale() || !payload.isRunning()) return;
    const firstOffset = batch.firstOffset();
    if (firstOffset === null || batch.messages.length === 0) return;

    const topic = this.deps.namespace.logical(batch.topic);
    const recordBatch = toRecordBatch(
      topic,
      batch.partition,
      batch.highWatermark,
      batch.messages,
      firstOffset,
    );
    const started = performance.now();
    try {
      await withCorrelationId(recordBatch.batchId, () =>
        this.deps.dispatch(recordBatch, () => payload.heartbeat()),
      );
    } catch (error) {
      await withCorrelationId(recordBatch.batchId, () => this.recover(payload, recordBatch, error));
      return;
    }
    this.failures.delete(topicPartitionKey(topic, batch.partition));
    payload.resolveOffset(recordBatch.lastOffset);
    const next = (BigInt(recordBatch.lastOffset) + 1n).toString();
    this.nextOffsets.set(topicPartitionKey(topic, batch.partition), {
      topic,
      partition: batch.partition,
      next: BigInt(next),
    });
    this.deps.metrics.recordsConsumed.inc({ topic }, recordBatch.records.length);
    this.deps.metrics.batchDuration.observe({ topic }, (performance.now() - started) / 1_000);
    this.deps.metrics.consumerLag.set(
      { topic, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - BigInt(next)),
    );
    this.latest = payload;
    this.committer.offer(batch.topic, batch.partition, next);
    // Stopping (kafkajs waits for this handler before it leaves the group): the offset is committed now.
    if (!payload.isRunning()) await this.committer.flush();
  }

  /** The next offset of every partition this runner handled a batch of (for the lag monitor). */
  progress(): readonly PartitionProgress[] {
    return [...this.nextOffsets.values()];
  }

  private async recover(payload: ConsumedBatch, batch: RecordBatch, error: unknown): Promise<void> {
    const key = topicPartitionKey(batch.topic, batch.partition);
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    const code = errorCode(cause);
    const delayMs = backoffDelay(this.deps.retry, attempt);
    this.deps.metrics.handlerFailures.inc({ topic: batch.topic, code });
    this.deps.logger.error(
      {
        msg: 'batch handler failed; the partition will be retried from its durable position',
        code,
        attempt,
        delayMs,
        error: errorMessage(cause),
        stack: cause instanceof Error ? cause.stack : undefined,
      },
      BatchRunner.name,
    );
    await this.backOff(payload, delayMs);
    // Shutting down, or the partition moved to another member meanwhile: its next owner starts from the durable
    // position anyway, and a seek for a partition we do not own would linger in kafkajs until it came back.
    if (!payload.isRunning() || !this.deps.tracker.isAssigned(batch)) return;
    let offset = batch.firstOffset;
    try {
      offset = (await this.deps.tracker.durablePosition(batch)) ?? batch.firstOffset;
    } catch (lookupError) {
      this.deps.logger.error(
        {
          msg: 'durable position lookup failed; retrying from the batch start',
          error: errorMessage(lookupError),
        },
        BatchRunner.name,
      );
    }
    this.deps.seek({ topic: batch.topic, partition: batch.partition }, offset);
    this.nextOffsets.set(key, { topic: batch.topic, partition: batch.partition, next: BigInt(offset) });
  }

  private async backOff(payload: ConsumedBatch, delayMs: number): Promise<void> {
    let remaining = delayMs;
    while (remaining > 0 && payload.isRunning()) {
      const slice = Math.min(remaining, HEARTBEAT_SLICE_MS);
      await this.deps.sleep(slice);
      remaining -= slice;
      await payload.heartbeat();
    }
  }
}

function toRecordBatch(
  topic: string,
  partition: number,
  highWatermark: string,
  messages: readonly ConsumedMessage[],
  firstOffset: string,
): RecordBatch {
  const records = messages.map((m): BusRecord => ({
    topic,
    partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: normaliseHeaders(m.headers),
    timestamp: m.timestamp,
  }));
  const lastOffset = records.at(-1)?.offset ?? firstOffset;
  return {
    topic,
    partition,
    records,
    firstOffset: records[0]?.offset ?? firstOffset,
    lastOffset,
    highWatermark,
    batchId: batchIdOf(topic, partition, records[0]?.offset ?? firstOffset, lastOffset),
  };
}

function normaliseHeaders(headers: ConsumedMessage['headers']): Record<string, Buffer | undefined> {
  const out: Record<string, Buffer | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return out;
}
