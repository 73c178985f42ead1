/** A partition of a topic; topics are the logical names of the topology (no namespace). */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** One consumed Kafka record. Bytes stay bytes: decoding into domain types is the stage's job. */
export interface BusRecord {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64: kept as decimal strings, as kafkajs gives them. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | undefined>>;
  /** Record timestamp, epoch milliseconds as a string. */
  readonly timestamp: string;
}

/** What a stage's `@EventPattern(topic)` handler receives: one fetched batch of one partition, in offset order. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly BusRecord[];
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly highWatermark: string;
  /** `topic/partition/first-last`: the correlation id of every log line written while handling the batch. */
  readonly batchId: string;
}

/** One record to produce. `key` decides the partition (the symbol, so a symbol's records stay in order). */
export interface OutboundMessage {
  readonly key: string | Buffer | null;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Epoch milliseconds; the broker's time when absent. */
  readonly timestamp?: string;
}

export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly OutboundMessage[];
}

export function batchIdOf(topic: string, partition: number, firstOffset: string, lastOffset: string): string {
  return `${topic}/${partition}/${firstOffset}-${lastOffset}`;
}

export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * Cuts a produce into requests of at most `maxBytes` of keys and values, in order (one record larger than that
 * goes alone). Kafka refuses a partition's record batch above the broker's `message.max.bytes` (1 MB by default),
 * so a stage may hand the producer any number of records and the adapter sends them request by request.
 */
export function* requestsOf(batch: readonly TopicMessages[], maxBytes: number): Generator<TopicMessages[]> {
  let current: { topic: string; messages: OutboundMessage[] }[] = [];
  let bytes = 0;
  for (const { topic, messages } of batch) {
    for (const message of messages) {
      const size = message.value.length + (message.key?.length ?? 0);
      if (bytes + size > maxBytes && bytes > 0) {
        yield current;
        current = [];
        bytes = 0;
      }
      const last = current[current.length - 1];
      if (last?.topic === topic) last.messages.push(message);
      else current.push({ topic, messages: [message] });
      bytes += size;
    }
  }
  if (current.length > 0) yield current;
}
