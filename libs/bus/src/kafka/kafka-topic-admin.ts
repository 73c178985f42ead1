import { errorMessage, JsonLogger } from '@lakehouse/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { BUS_OPTIONS, BusOptions, Namespace } from '../bus-options';
import { KAFKA_CLIENT as KAFKA_CLIENT_TOKEN } from './kafka-client';
import { BusError } from '../bus-error';
import { TopicAdmin } from '../ports/topic-admin.port';
import { TopicSpec } from '../topology';

/** Creates missing topics explicitly (the broker never auto-creates). Safe to race: every app ensures at start. */
@Injectable()
export class KafkaTopicAdmin extends TopicAdmin {
  private readonly namespace: Namespace;

  constructor(
    @Inject(KAFKA_CLIENT_TOKEN) private readonly kafka: Kafka,
    @Inject(BUS_OPTIONS) options: BusOptions,
    private readonly logger: JsonLogger,
  ) {
    super();
    this.namespace = new Namespace(options.namespace);
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(this.namespace.wire(t.name)));
      if (missing.length > 0) {
        try {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((t) => ({
              topic: this.namespace.wire(t.name),
              numPartitions: t.partitions,
              replicationFactor: t.replicationFactor,
              configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
        } catch (error) {
          // Another app may have created some of them in between: only a topic still missing is a failure.
          const now = new Set(await admin.listTopics());
          const stillMissing = missing.filter((t) => !now.has(this.namespace.wire(t.name)));
          if (stillMissing.length > 0) throw error;
        }
        this.logger.log({ msg: 'created topics', topics: missing.map((t) => t.name) }, KafkaTopicAdmin.name);
      }
      await this.warnOnPartitionMismatch(admin, topics);
    } catch (error) {
      throw new BusError('BUS_TOPIC_ADMIN_FAILED', `could not ensure topics: ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      await admin.disconnect();
    }
  }

  private async warnOnPartitionMismatch(admin: ReturnType<Kafka['admin']>, topics: readonly TopicSpec[]) {
    const metadata = await admin.fetchTopicMetadata({
      topics: topics.map((t) => this.namespace.wire(t.name)),
    });
    for (const spec of topics) {
      const actual = metadata.topics.find((t) => t.name === this.namespace.wire(spec.name))?.partitions
        .length;
      if (actual !== undefined && actual !== spec.partitions) {
        this.logger.warn(
          {
            msg: 'topic exists with another partition count; left as is',
            topic: spec.name,
            expected: spec.partitions,
            actual,
          },
          KafkaTopicAdmin.name,
        );
      }
    }
  }
}
