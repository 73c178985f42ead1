import { TopicPartition } from '../records';

/** The next offset to consume for a partition, from the stage's durable store; `undefined` when it holds none. */
export interface PartitionPosition extends TopicPartition {
  readonly offset: string | undefined;
}

/**
 * A stage's durable input positions (e.g. the offsets stored in its Delta table's txn actions). Provide it in the
 * stage's module and the Kafka transport seeks there on every assignment and after every failed batch, so
 * committed consumer-group offsets (kept only for lag monitoring) never decide what is reprocessed.
 * Without a provider, the transport resumes from the group's committed offsets (at-least-once).
 */
export abstract class PartitionPositions {
  abstract positionsFor(partitions: readonly TopicPartition[]): Promise<readonly PartitionPosition[]>;
  /** Called when partitions are taken away by a rebalance, after their in-flight batch finished. */
  onRevoked?(partitions: readonly TopicPartition[]): Promise<void> | void;
}
