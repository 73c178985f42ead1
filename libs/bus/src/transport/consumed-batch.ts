/**
 * The part of kafkajs' `EachBatchPayload` the transport uses. Structural, so unit tests drive the runner with a
 * plain object instead of a broker.
 */
export interface ConsumedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

export interface ConsumedBatch {
  readonly batch: {
    readonly topic: string;
    readonly partition: number;
    readonly highWatermark: string;
    readonly messages: readonly ConsumedMessage[];
    firstOffset(): string | null;
    lastOffset(): string;
  };
  resolveOffset(offset: string): void;
  commitOffsetsIfNecessary(offsets?: {
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<void>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}
