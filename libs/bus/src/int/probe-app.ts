import { JsonLogger, PlatformModule, ReadinessRegistry } from '@lakehouse/platform';
import { Controller, INestApplication, Inject, Module, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BusModule } from '../bus.module';
import { PartitionPositions } from '../ports/partition-positions.port';
import { RecordBatch } from '../records';
import { KafkaBatchTransport } from '../transport/kafka-batch-transport';
import { eventually } from './test-kafka';

/** The one logical topic the probe app consumes; each spec namespaces it. */
export const PROBE_TOPIC = 'probe.events';
const PROBE = Symbol('PROBE');
export const LAG_REFRESH_MS = 200;

/** What the probe's handler does with each batch; specs swap `handle` to fail or record. */
export class Probe {
  readonly batches: RecordBatch[] = [];
  handle: (batch: RecordBatch) => Promise<void> = () => Promise.resolve();

  values(): string[] {
    return this.batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
  }
}

@Controller()
class ProbeConsumer {
  constructor(@Inject(PROBE) private readonly probe: Probe) {}

  @EventPattern(PROBE_TOPIC)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    await this.probe.handle(batch);
    this.probe.batches.push(batch);
  }
}

export interface ProbeAppOptions {
  readonly brokers: string[];
  readonly namespace: string;
  readonly groupId: string;
  readonly partitions: number;
  readonly probe: Probe;
  readonly positions?: PartitionPositions;
  /** Without a consumer the app only produces. */
  readonly consume?: boolean;
}

/** A Nest app wired like a stage (platform + bus + one consumer), without HTTP. Resolves once it joined its group. */
export async function startProbeApp(options: ProbeAppOptions): Promise<INestApplication> {
  const consume = options.consume ?? true;
  const providers: Provider[] = [{ provide: PROBE, useValue: options.probe }];
  if (options.positions) providers.push({ provide: PartitionPositions, useValue: options.positions });
  @Module({ controllers: consume ? [ProbeConsumer] : [], providers })
  class ProbeModule {}

  const logger = new JsonLogger({
    stage: 'bus-int',
    level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
  });
  const app = await NestFactory.create(
    {
      module: ProbeModule,
      imports: [
        PlatformModule.forRoot({ stage: 'bus-int', config: {}, logger }),
        BusModule.forRoot({
          clientId: `bus-int-${options.groupId}`,
          brokers: options.brokers,
          namespace: options.namespace,
          topology: [{ name: PROBE_TOPIC, partitions: options.partitions, replicationFactor: 1 }],
          ...(consume
            ? {
                consumer: {
                  groupId: options.groupId,
                  fromBeginning: true,
                  maxWaitTimeMs: 100,
                  retry: { initialMs: 100, maxMs: 400 },
                  lagRefreshMs: LAG_REFRESH_MS,
                },
              }
            : {}),
        }),
      ],
    },
    { logger },
  );
  if (consume)
    app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.init();
  if (consume) {
    await app.startAllMicroservices();
    await eventually('the consumer joined its group', () => isConsumerJoined(app));
  }
  return app;
}

export async function isConsumerJoined(app: INestApplication): Promise<boolean> {
  const probe = app
    .get(ReadinessRegistry)
    .entries()
    .find(([name]) => name === 'kafka-consumer')?.[1];
  return probe ? (await probe()).up : false;
}
