import { OutboundMessage, TopicMessages } from '../records';

/**
 * Produces records. The Kafka adapter is idempotent (one in-flight request, acks=all): a retried send never
 * duplicates or reorders a partition's records. Resolves once Kafka acknowledged every record.
 */
export abstract class MessageProducer {
  abstract send(topic: string, messages: readonly OutboundMessage[]): Promise<void>;
  /** Several topics in one request. */
  abstract sendBatch(batch: readonly TopicMessages[]): Promise<void>;
  abstract isConnected(): boolean;
}
