import { JsonLogger } from '@lakehouse/platform';
import { DynamicModule, Global, Inject, Injectable, Module, OnModuleInit, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BUS_OPTIONS, BusOptions } from './bus-options';
import { createKafkaClient, KAFKA_CLIENT } from './kafka/kafka-client';
import { KafkaMessageProducer } from './kafka/kafka-message-producer';
import { KafkaTopicAdmin } from './kafka/kafka-topic-admin';
import { ProducerDeadLetter } from './kafka/producer-dead-letter';
import { DeadLetterPort } from './ports/dead-letter.port';
import { MessageProducer } from './ports/message-producer.port';
import { TopicAdmin } from './ports/topic-admin.port';
import { KafkaBatchTransport } from './transport/kafka-batch-transport';
import { RpcErrorPassthroughFilter } from './transport/rpc-error-passthrough.filter';

/** Ensures the topology before anything produces or subscribes (module init precedes the transport's listen). */
@Injectable()
class TopologyInitializer implements OnModuleInit {
  constructor(
    private readonly admin: TopicAdmin,
    @Inject(BUS_OPTIONS) private readonly options: BusOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.admin.ensureTopics(this.options.topology ?? []);
  }
}

/**
 * Kafka for a stage: the producer (`MessageProducer`), dead letters (`DeadLetterPort`), topic admin (`TopicAdmin`)
 * and, with `consumer` options, the batch transport (`KafkaBatchTransport`, to be passed to `bootstrapStage`).
 * Readiness probes `kafka-producer` and `kafka-consumer` are registered with the platform.
 */
@Global()
@Module({})
export class BusModule {
  static forRoot(options: BusOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: BUS_OPTIONS, useValue: options },
      { provide: KAFKA_CLIENT, useFactory: createKafkaClient, inject: [BUS_OPTIONS, JsonLogger] },
      { provide: TopicAdmin, useClass: KafkaTopicAdmin },
      TopologyInitializer,
      { provide: MessageProducer, useClass: KafkaMessageProducer },
      { provide: DeadLetterPort, useClass: ProducerDeadLetter },
    ];
    const exports: DynamicModule['exports'] = [BUS_OPTIONS, MessageProducer, DeadLetterPort, TopicAdmin];
    if (options.consumer) {
      providers.push(KafkaBatchTransport, { provide: APP_FILTER, useClass: RpcErrorPassthroughFilter });
      exports.push(KafkaBatchTransport);
    }
    return { module: BusModule, providers, exports };
  }
}
