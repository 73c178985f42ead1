import {
  BUS_OPTIONS,
  type BusOptions,
  decodeSignalRecords,
  decodeTickOutcomes,
  Namespace,
  OffsetCommitter,
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
const LIVE_OFFSET_COMMIT_INTERVAL_MS = 1_000;
/** This replica's own kafkajs client for the live feed. */
export const LIVE_KAFKA = Symbol('LIVE_KAFKA');

/**
 * The live feed: a kafkajs consumer in this replica's own group (so it sees every partition of both topics and can
 * serve any client), from the latest offsets, with offsets committed in the background. It decodes and hands events to the
 * gateway, which emits without awaiting, so the consumer never waits on a client. A record may be a run of one
 * symbol's events: each event is handed over in order (deduped and numbered one by one by the hub). Malformed records
 * are skipped whole here; the Gold writer dead-letters them.
 */
@Injectable()
export class LiveFeedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: Consumer | undefined;
  /**
   * Offsets committed in the background at most once a second (kafkajs' autoCommit waits for one after every batch),
   * through the newest batch's payload (kafkajs' consumer-level commit is a no-op once stopping).
   */
  private readonly committer = new OffsetCommitter(
    (offsets) => this.latest?.commitOffsetsIfNecessary(offsets) ?? Promise.resolve(),
    LIVE_OFFSET_COMMIT_INTERVAL_MS,
    (error) =>
      this.log.warn({ msg: 'live feed offset commit failed', error: errorMessage(error) }, 'LiveFeed'),
  );
  private latest: EachBatchPayload | undefined;
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
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.committer.flush();
    await this.consumer?.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const topic = this.namespace.logical(batch.topic);
    this.gateway.publish(liveEventsOf(this.hub, topic, batch.messages, new Date()));
    this.latest = payload;
    this.committer.offer(batch.topic, batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
    // Stopping (kafkajs waits for this handler before it leaves the group): the offset is committed now.
    if (!payload.isRunning()) await this.committer.flush();
  }
}

/**
 * The live events of a fetched batch of one topic, in record order and, within a record (a run of one symbol's
 * events), in the run's order; each stamped with its record's Kafka timestamp. The hub numbers them and drops event
 * ids it already sent. A malformed record gives none (it is decoded whole before the hub sees any of its events);
 * rejects give none.
 */
export function liveEventsOf(
  hub: SignalHub,
  topic: string,
  messages: readonly { readonly value: Buffer | null; readonly timestamp: string }[],
  publishedAt: Date,
): Publishable[] {
  const out: Publishable[] = [];
  for (const message of messages) {
    let events: (LiveEvent | undefined)[];
    try {
      events =
        topic === PUBLISHER_TOPICS.outcomes
          ? decodeTickOutcomes(message.value).map((o) => hub.outcome(o))
          : decodeSignalRecords(message.value).map((s) =>
              s.kind === 'prediction' ? hub.prediction(s, publishedAt) : undefined,
            );
    } catch {
      continue;
    }
    const sourceTimeMs = Number(message.timestamp);
    for (const event of events) if (event !== undefined) out.push({ event, sourceTimeMs });
  }
  return out;
}
