import { errorMessage, JsonLogger } from '@lakehouse/platform';
import { RetryBackoff } from '../bus-options';
import { BusError } from '../bus-error';
import { PartitionPositions } from '../ports/partition-positions.port';
import { TopicPartition, topicPartitionKey } from '../records';
import { backoffDelay } from './backoff';

export interface AssignmentTrackerDeps {
  /** Resolved lazily: the stage's provider lives in the stage's module. */
  readonly positions: () => PartitionPositions | undefined;
  /** Seeks a partition (logical names) to the next offset to consume. */
  readonly seek: (partition: TopicPartition, offset: string) => void;
  readonly logger: JsonLogger;
  readonly retry: RetryBackoff;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Follows the group assignment and puts every newly assigned partition at the stage's durable position.
 *
 * Invariant: no batch of an assigned partition reaches the stage before the durable positions of the current
 * assignment were looked up and the seeks issued; a batch fetched from the old position is then stale and dropped.
 * kafkajs fires GROUP_JOIN synchronously before the first fetch of a generation, but the lookup is async, so the
 * runner awaits {@link ensurePositioned} before each batch.
 */
export class AssignmentTracker {
  private assigned: readonly TopicPartition[] = [];
  private positioning: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AssignmentTrackerDeps) {}

  /** Records the new assignment and starts positioning it; returns the partitions it took away. */
  onAssigned(assignment: readonly TopicPartition[]): readonly TopicPartition[] {
    const now = new Set(assignment.map((tp) => topicPartitionKey(tp.topic, tp.partition)));
    const revoked = this.assigned.filter((tp) => !now.has(topicPartitionKey(tp.topic, tp.partition)));
    this.assigned = assignment;
    this.deps.logger.log(
      { msg: 'partitions assigned', assigned: assignment, revoked },
      AssignmentTracker.name,
    );
    if (revoked.length > 0) this.notifyRevoked(revoked);
    this.startPositioning();
    return revoked;
  }

  isAssigned(partition: TopicPartition): boolean {
    return this.assigned.some((tp) => tp.topic === partition.topic && tp.partition === partition.partition);
  }

  currentAssignment(): readonly TopicPartition[] {
    return this.assigned;
  }

  /** Resolves true once the current assignment is positioned; false when the consumer stops first. */
  async ensurePositioned(isRunning: () => boolean): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const current = this.positioning;
      try {
        await current;
        return true;
      } catch (error) {
        const delayMs = backoffDelay(this.deps.retry, attempt);
        this.deps.logger.error(
          {
            msg: 'durable position lookup failed; retrying',
            code: 'BUS_POSITION_LOOKUP_FAILED',
            attempt,
            delayMs,
            error: errorMessage(error),
          },
          AssignmentTracker.name,
        );
        await this.deps.sleep(delayMs);
        if (!isRunning()) return false;
        if (this.positioning === current) this.startPositioning();
      }
    }
  }

  /** The stage's durable next offset for one partition, or `undefined` when it keeps none. */
  async durablePosition(partition: TopicPartition): Promise<string | undefined> {
    const provider = this.deps.positions();
    if (!provider) return undefined;
    const [position] = await provider.positionsFor([partition]);
    return position?.offset;
  }

  private startPositioning(): void {
    this.positioning = this.position(this.assigned);
    // Observed by ensurePositioned; this only keeps an unobserved failure from being an unhandled rejection.
    this.positioning.catch(() => undefined);
  }

  private async position(assignment: readonly TopicPartition[]): Promise<void> {
    const provider = this.deps.positions();
    if (!provider || assignment.length === 0) return;
    let positions;
    try {
      positions = await provider.positionsFor(assignment);
    } catch (error) {
      throw new BusError('BUS_POSITION_LOOKUP_FAILED', errorMessage(error), { cause: error });
    }
    for (const position of positions) {
      if (position.offset === undefined) continue;
      this.deps.seek({ topic: position.topic, partition: position.partition }, position.offset);
      this.deps.logger.log({ msg: 'seek to durable position', ...position }, AssignmentTracker.name);
    }
  }

  private notifyRevoked(revoked: readonly TopicPartition[]): void {
    const provider = this.deps.positions();
    if (!provider?.onRevoked) return;
    Promise.resolve(provider.onRevoked(revoked)).catch((error: unknown) => {
      this.deps.logger.error({ msg: 'onRevoked failed', error: errorMessage(error) }, AssignmentTracker.name);
    });
  }
}
