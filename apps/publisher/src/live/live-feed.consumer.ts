import {
  BUS_OPTIONS,
  type BusOptions,
  decodeJson,
  Namespace,
  signalRecordSchema,
  tickOutcomeSchema,
} from '@lakehouse/bus';
import { errorMessage, JsonLogger, ReadinessRegistry } from '@lakehouse/platform';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { type Consumer, type EachBatchPayload, Kafka } from 'kafkajs';
import { PUBLISHER_TOPICS } from '../config/publisher.config';
import { type LiveEvent, SignalHub } from './signal-hub';
import { type Publishable, SignalsGateway } from './signals.gateway';

export const LIVE_GROUP_ID = Symbol('LIVE_GROUP_ID');
/** This replica's own kafkajs client for the live feed. */
export const LIVE_KAFKA = Symbol('LIVE_KAFKA');

/**
 * The live feed: a kafkajs consumer in this replica's own group (so it sees every partition of both topics and can
 * serve any client), from the latest offsets, with auto-committed offsets. It decodes and hands events to the
 * gateway, which emits without awaiting, so the consumer never waits on a client. Malformed records are skipped
 * here; the Gold writer dead-letters them.
 */
@Injectable()
export class LiveFeedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: Consumer | undefined;
  private joined = false;
  private readonly namespace: Namespace;

  constructor(
    @Inject(LIVE_KAFKA) private readonly kafka: Kafka,
    @Inject(BUS_OPTIONS) options: BusOptions,
    @Inject(LIVE_GROUP_ID) private readonly groupId: string,
    private readonly hub: SignalHub,
    private readonly gateway: SignalsGateway,
    private readonly log: JsonLogger,
    readiness: ReadinessRegistry,
  ) {
    this.namespace = new Namespace(options.namespace);
    readiness.register('live-feed', () => ({ up: this.joined, details: { group: groupId } }));
  }

  async onApplicationBootstrap(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.namespace.wire(this.groupId),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 50,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.log.error(
        { msg: 'live feed crashed', restart: payload.restart, error: errorMessage(payload.error) },
        'LiveFeed',
      );
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [PUBLISHER_TOPICS.predictions, PUBLISHER_TOPICS.outcomes].map((t) => this.namespace.wire(t)),
      fromBeginning: false,
    });
    await consumer.run({ eachBatch: (payload) => this.onBatch(payload) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private onBatch({ batch }: EachBatchPayload): Promise<void> {
    const topic = this.namespace.logical(batch.topic);
    const out: Publishable[] = [];
    for (const message of batch.messages) {
      const event = this.eventOf(topic, message.value);
      if (event) out.push({ event, sourceTimeMs: Number(message.timestamp) });
    }
    this.gateway.publish(out);
    return Promise.resolve();
  }

  private eventOf(topic: string, value: Buffer | null): LiveEvent | undefined {
    try {
      if (topic === PUBLISHER_TOPICS.outcomes) return this.hub.outcome(decodeJson(tickOutcomeSchema, value));
      const record = decodeJson(signalRecordSchema, value);
      return record.kind === 'prediction' ? this.hub.prediction(record, new Date()) : undefined;
    } catch {
      return undefined;
    }
  }
}
