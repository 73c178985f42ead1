/** Why a record could not be processed: a stable code (e.g. BUS_DECODE_FAILED, a domain validation code) and a message. */
export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
}

export interface DeadLetter {
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly reason: DeadLetterReason;
}

/** Header names on `ticks.dlq` records. */
export const DEAD_LETTER_HEADERS = {
  reasonCode: 'dlq.reason.code',
  reasonMessage: 'dlq.reason.message',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
} as const;

/** Where records that fail validation at the edge go, with their reason; never dropped silently. */
export abstract class DeadLetterPort {
  abstract send(letters: readonly DeadLetter[]): Promise<void>;
}

/** A consumed record as a dead letter, with its source position. */
export function deadLetterOf(
  record: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly key: Buffer | null;
    readonly value: Buffer | null;
  },
  reason: DeadLetterReason,
): DeadLetter {
  return {
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
    key: record.key,
    value: record.value,
    reason,
  };
}
