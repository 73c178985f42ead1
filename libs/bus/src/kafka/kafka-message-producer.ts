import { errorMessage, JsonLogger, PipelineMetrics, ReadinessRegistry } from '@lakehouse/platform';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { BUS_OPTIONS, BusOptions, Namespace } from '../bus-options';
import { BusError } from '../bus-error';
import { MessageProducer } from '../ports/message-producer.port';
import { OutboundMessage, requestsOf, TopicMessages } from '../records';
import { KAFKA_CLIENT } from './kafka-client';

/** acks=all is what the idempotent producer requires. */
const ACKS_ALL = -1;
/** Keys and values per produce request, at most: every partition's record batch stays under Kafka's 1 MB. */
const MAX_REQUEST_BYTES = 768 * 1024;

/**
 * The idempotent kafkajs producer: `idempotent: true` with one in-flight request, so retries neither duplicate nor
 * reorder. A large send goes out as consecutive requests of at most {@link MAX_REQUEST_BYTES}. Sends are tracked
 * so that shutdown waits for every pending acknowledgement before disconnecting.
 */
@Injectable()
export class KafkaMessageProducer extends MessageProducer implements OnModuleInit, OnApplicationShutdown {
  private readonly producer: Producer;
  private readonly namespace: Namespace;
  private readonly inFlight = new Set<Promise<unknown>>();
  private connected = false;
  private started = false;
  private closing = false;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(BUS_OPTIONS) options: BusOptions,
    private readonly metrics: PipelineMetrics,
    private readonly logger: JsonLogger,
    readiness: ReadinessRegistry,
  ) {
    super();
    this.namespace = new Namespace(options.namespace);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    // kafkajs reconnects by itself on the next send after a broker drop; these only keep readiness truthful.
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    readiness.register('kafka-producer', () => ({
      up: this.connected,
      details: { connected: this.connected },
    }));
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.producer.connect();
      this.connected = true;
      this.started = true;
    } catch (error) {
      throw new BusError('BUS_CONNECT_FAILED', `producer could not connect: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  send(topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  async sendBatch(batch: readonly TopicMessages[]): Promise<void> {
    const topicMessages = batch.filter((t) => t.messages.length > 0);
    if (topicMessages.length === 0) return;
    if (this.closing || !this.started) {
      throw new BusError('BUS_NOT_CONNECTED', 'producer is not started or is shutting down');
    }
    const sending = this.sendRequests(topicMessages);
    this.inFlight.add(sending);
    try {
      await sending;
      this.connected = true;
    } catch (error) {
      throw new BusError('BUS_PRODUCE_FAILED', `produce failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      this.inFlight.delete(sending);
    }
    for (const t of topicMessages) this.metrics.recordsProduced.inc({ topic: t.topic }, t.messages.length);
  }

  private async sendRequests(batch: readonly TopicMessages[]): Promise<void> {
    for (const request of requestsOf(batch, MAX_REQUEST_BYTES)) {
      await this.producer.sendBatch({
        acks: ACKS_ALL,
        topicMessages: request.map((t) => ({
          topic: this.namespace.wire(t.topic),
          messages: t.messages.map(toKafkaMessage),
        })),
      });
    }
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Runs after the consumer drained (beforeApplicationShutdown), so the last batch's sends are in `inFlight`. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.inFlight.size > 0) {
      this.logger.log(
        { msg: 'waiting for in-flight sends', count: this.inFlight.size },
        KafkaMessageProducer.name,
      );
      await Promise.allSettled(this.inFlight);
    }
    await this.producer.disconnect();
    this.connected = false;
  }
}

function toKafkaMessage(message: OutboundMessage): Message {
  const kafkaMessage: Message = { key: message.key, value: message.value };
  if (message.headers) kafkaMessage.headers = { ...message.headers };
  if (message.timestamp !== undefined) kafkaMessage.timestamp = message.timestamp;
  return kafkaMessage;
}
