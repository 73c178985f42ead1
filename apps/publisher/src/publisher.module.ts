import {
  busOptionsFromEnv,
  BusModule,
  createKafkaClient,
  BUS_OPTIONS,
  PartitionPositions,
} from '@lakehouse/bus';
import { DeltaLake, Lake } from '@lakehouse/lake';
import { JsonLogger } from '@lakehouse/platform';
import { DynamicModule, Injectable, Module, type OnModuleInit, type Provider } from '@nestjs/common';
import {
  ACCURACY_MONITOR_OPTIONS,
  AccuracyMonitor,
  type AccuracyMonitorOptions,
} from './accuracy/accuracy-monitor.service';
import { GoldController } from './api/gold.controller';
import { GoldQueryService } from './api/gold-query.service';
import { ModelController } from './api/model.controller';
import { TablesController } from './api/tables.controller';
import { ApiAuthGuard } from './auth/api-auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { PublisherConfig } from './config/publisher.config';
import { GoldAccuracyJob } from './gold/gold-accuracy.job';
import { GoldConsumer } from './gold/gold.consumer';
import { GoldExactlyOnce } from './gold/gold-exactly-once';
import { GoldPartitionPositions } from './gold/gold-positions';
import { GoldReader } from './gold/gold-reader';
import { GOLD_BATCH_READER, GOLD_COMMITTED, GoldWriterService } from './gold/gold-writer.service';
import { LIVE_GROUP_ID, LIVE_KAFKA, LiveFeedConsumer } from './live/live-feed.consumer';
import { SignalHub } from './live/signal-hub';
import { CLIENT_BUFFER_LIMIT, SignalsGateway } from './live/signals.gateway';
import { PublisherMetrics } from './metrics/publisher-metrics';

/** Event ids remembered to drop redelivered signals from the live feed. */
const REMEMBERED_EVENTS = 200_000;

/** Creates the Gold tables before the consumer subscribes (module init precedes the transport's listen). */
@Injectable()
class GoldTablesInitializer implements OnModuleInit {
  constructor(
    private readonly gold: GoldExactlyOnce,
    private readonly accuracy: GoldAccuracyJob,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.gold.ensureTables();
    await this.accuracy.ensureTable();
  }
}

@Module({})
export class PublisherModule {
  static register(config: PublisherConfig): DynamicModule {
    const writer = config.GOLD_WRITER;
    const accuracyOptions: AccuracyMonitorOptions = {
      intervalMs: config.ACCURACY_INTERVAL_MS,
      writer,
      drift: { minWindowN: config.DRIFT_MIN_WINDOW, consecutive: config.DRIFT_CONSECUTIVE },
    };
    const lake = new DeltaLake(config.LAKE_ROOT);
    const reader = new GoldReader(config.LAKE_ROOT);
    const batchReader = new GoldReader(config.LAKE_ROOT, { background: true });
    const providers: Provider[] = [
      PublisherMetrics,
      { provide: Lake, useValue: lake },
      { provide: GoldReader, useValue: reader },
      { provide: GOLD_BATCH_READER, useValue: batchReader },
      { provide: TokenVerifier, useValue: new TokenVerifier(config.PUBLISHER_AUTH_SECRET) },
      ApiAuthGuard,
      GoldQueryService,
      { provide: SignalHub, useValue: new SignalHub(config.SOCKET_HISTORY_PER_SYMBOL, REMEMBERED_EVENTS) },
      { provide: CLIENT_BUFFER_LIMIT, useValue: config.SOCKET_CLIENT_BUFFER },
      SignalsGateway,
      { provide: LIVE_KAFKA, useFactory: createKafkaClient, inject: [BUS_OPTIONS, JsonLogger] },
      { provide: LIVE_GROUP_ID, useValue: config.LIVE_GROUP_ID },
      // A Gold-only replica (LIVE_FEED=false) reads no live feed: its sockets get accuracy and drift only.
      ...(config.LIVE_FEED ? [LiveFeedConsumer] : []),
      {
        provide: GoldAccuracyJob,
        useFactory: (l: Lake) => new GoldAccuracyJob(l, batchReader, config.ACCURACY_WINDOW_SIZE),
        inject: [Lake],
      },
      { provide: ACCURACY_MONITOR_OPTIONS, useValue: accuracyOptions },
      AccuracyMonitor,
      GoldExactlyOnce,
      GoldTablesInitializer,
    ];
    if (writer) {
      providers.push(
        GoldWriterService,
        { provide: PartitionPositions, useClass: GoldPartitionPositions },
        {
          provide: GOLD_COMMITTED,
          useFactory: (monitor: AccuracyMonitor) => () => monitor.markDirty(),
          inject: [AccuracyMonitor],
        },
      );
    }
    return {
      module: PublisherModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv(
            'publisher',
            config,
            writer
              ? {
                  groupId: config.GOLD_GROUP_ID,
                  fromBeginning: true,
                  sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
                  heartbeatIntervalMs: Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10),
                }
              : undefined,
          ),
        ),
      ],
      controllers: [...(writer ? [GoldConsumer] : []), GoldController, TablesController, ModelController],
      providers,
    };
  }
}
