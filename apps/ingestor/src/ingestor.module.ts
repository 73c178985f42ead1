import { busOptionsFromEnv, BusModule, PartitionPositions } from '@lakehouse/bus';
import { DeltaLake, Lake } from '@lakehouse/lake';
import { DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { BronzeExactlyOnce } from './bronze/bronze-exactly-once';
import { BronzeMetrics } from './bronze/bronze-metrics';
import { BronzePartitionPositions } from './bronze/bronze-positions';
import { IngestorConfig } from './config/ingestor.config';
import { IngestorConsumer, TICK_PARSER_OPTIONS } from './ingestor.consumer';
import { INGESTOR_OPTIONS, IngestorService } from './ingestor.service';

/** Creates the Bronze tables before the consumer subscribes (module init precedes the transport's listen). */
@Injectable()
class BronzeTablesInitializer implements OnModuleInit {
  constructor(private readonly bronze: BronzeExactlyOnce) {}

  async onModuleInit(): Promise<void> {
    await this.bronze.ensureTables();
  }
}

@Module({})
export class IngestorModule {
  static register(config: IngestorConfig): DynamicModule {
    return {
      module: IngestorModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('ingestor', config, {
            groupId: config.KAFKA_GROUP_ID,
            fromBeginning: true,
            maxWaitTimeMs: config.BRONZE_MAX_FLUSH_LATENCY_MS,
            partitionsConsumedConcurrently: config.BRONZE_CONCURRENT_PARTITIONS,
            sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            heartbeatIntervalMs: Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10),
          }),
        ),
      ],
      controllers: [IngestorConsumer],
      providers: [
        IngestorService,
        BronzeMetrics,
        BronzeExactlyOnce,
        BronzeTablesInitializer,
        { provide: Lake, useValue: new DeltaLake(config.LAKE_ROOT) },
        { provide: PartitionPositions, useClass: BronzePartitionPositions },
        {
          provide: INGESTOR_OPTIONS,
          useValue: {
            maxRecordsPerCommit: config.BRONZE_MAX_RECORDS_PER_COMMIT,
            minCommitIntervalMs: config.BRONZE_MIN_COMMIT_INTERVAL_MS,
          },
        },
        {
          provide: TICK_PARSER_OPTIONS,
          useValue: {
            maxBytes: config.BRONZE_MAX_TICK_BYTES,
            ...(config.EXCHANGE_TIME_ZONE ? { exchangeTimeZone: config.EXCHANGE_TIME_ZONE } : {}),
          },
        },
      ],
    };
  }
}
