import { DeadLetter, DeadLetterPort } from '../ports/dead-letter.port';
import { MessageProducer } from '../ports/message-producer.port';
import { PartitionPosition, PartitionPositions } from '../ports/partition-positions.port';
import { TopicAdmin } from '../ports/topic-admin.port';
import {
  batchIdOf,
  BusRecord,
  OutboundMessage,
  RecordBatch,
  TopicMessages,
  TopicPartition,
  topicPartitionKey,
} from '../records';
import { TopicSpec } from '../topology';

/** Records what a stage produced, per topic, in order. `failNext` makes the next send reject. */
export class InMemoryMessageProducer extends MessageProducer {
  readonly sent = new Map<string, OutboundMessage[]>();
  /** Produce requests made, successful or not: a stage should batch its output. */
  requests = 0;
  private failure: Error | undefined;

  send(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  sendBatch(batch: readonly TopicMessages[]): Promise<void> {
    this.requests += 1;
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    for (const { topic, messages } of batch) {
      const list = this.sent.get(topic) ?? [];
      list.push(...messages);
      this.sent.set(topic, list);
    }
    return Promise.resolve();
  }

  isConnected(): boolean {
    return true;
  }

  failNext(error: Error): void {
    this.failure = error;
  }

  messages(topic: string): readonly OutboundMessage[] {
    return this.sent.get(topic) ?? [];
  }
}

export class InMemoryDeadLetter extends DeadLetterPort {
  readonly letters: DeadLetter[] = [];

  send(letters: readonly DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
    return Promise.resolve();
  }
}

export class InMemoryTopicAdmin extends TopicAdmin {
  readonly topics = new Map<string, TopicSpec>();

  ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    for (const t of topics) if (!this.topics.has(t.name)) this.topics.set(t.name, t);
    return Promise.resolve();
  }
}

/** A durable store of next offsets, as a stage's Delta txn actions would hold them. */
export class InMemoryPartitionPositions extends PartitionPositions {
  private readonly offsets = new Map<string, string>();
  readonly revoked: TopicPartition[] = [];

  set(topic: string, partition: number, nextOffset: string): void {
    this.offsets.set(topicPartitionKey(topic, partition), nextOffset);
  }

  positionsFor(partitions: readonly TopicPartition[]): Promise<readonly PartitionPosition[]> {
    return Promise.resolve(
      partitions.map((p) => ({ ...p, offset: this.offsets.get(topicPartitionKey(p.topic, p.partition)) })),
    );
  }

  override onRevoked(partitions: readonly TopicPartition[]): void {
    this.revoked.push(...partitions);
  }
}

/** A consumed batch for unit tests of stage consumers: consecutive offsets from `firstOffset`. */
export function fakeRecordBatch(
  topic: string,
  values: readonly {
    readonly key: string | null;
    readonly value: string | Buffer | null;
    readonly headers?: Readonly<Record<string, Buffer>>;
  }[],
  options: {
    readonly partition?: number;
    readonly firstOffset?: number;
    readonly highWatermark?: number;
  } = {},
): RecordBatch {
  const partition = options.partition ?? 0;
  const first = options.firstOffset ?? 0;
  const records: BusRecord[] = values.map((v, i) => ({
    topic,
    partition,
    offset: String(first + i),
    key: v.key === null ? null : Buffer.from(v.key),
    value: v.value === null ? null : Buffer.isBuffer(v.value) ? v.value : Buffer.from(v.value),
    headers: v.headers ?? {},
    timestamp: '0',
  }));
  const lastOffset = String(first + Math.max(0, values.length - 1));
  return {
    topic,
    partition,
    records,
    firstOffset: String(first),
    lastOffset,
    highWatermark: String(options.highWatermark ?? first + values.length),
    batchId: batchIdOf(topic, partition, String(first), lastOffset),
  };
}
