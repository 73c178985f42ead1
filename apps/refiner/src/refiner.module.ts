import { busOptionsFromEnv, BusModule, MessageProducer } from '@lakehouse/bus';
import { DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION, featureNames } from '@lakehouse/domain';
import { DeltaLake, Lake, silverTicksTable } from '@lakehouse/lake';
import { Clock, ReadinessRegistry } from '@lakehouse/platform';
import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RefinerConfig } from './config/refiner.config';
import { RefinerConsumer } from './refiner.consumer';
import { type RefinerOptions, RefinerService } from './refiner.service';
import { SilverExactlyOnce } from './silver/silver-exactly-once';
import { SilverMetrics } from './silver/silver-metrics';
import { DeltaSilverReader, SilverReader } from './silver/silver-reader';
import { refinerOptionsOf } from './refiner.options';

const REFINER_OPTIONS = Symbol('REFINER_OPTIONS');
const POLL_INTERVAL_MS = Symbol('POLL_INTERVAL_MS');

/** Starts the pass loop once the app is up, drains it on shutdown, and reports whether it resumed from Silver. */
@Injectable()
class RefinerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly service: RefinerService,
    @Inject(POLL_INTERVAL_MS) private readonly pollIntervalMs: number,
    readiness: ReadinessRegistry,
  ) {
    readiness.register('silver', () => {
      const status = service.status();
      return { up: status.resumed, details: status };
    });
  }

  onApplicationBootstrap(): void {
    this.service.startPolling(this.pollIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.service.stop();
  }
}

@Module({})
export class RefinerModule {
  static register(config: RefinerConfig): DynamicModule {
    const options: RefinerOptions = {
      ...refinerOptionsOf(config, DEFAULT_FEATURE_CONFIG, DEFAULT_LABEL_DEFINITION),
      repairLate: true,
    };
    const lake = new DeltaLake(config.LAKE_ROOT);
    const names = featureNames(options.model.features);
    const table = silverTicksTable(names);
    return {
      module: RefinerModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('refiner', config, {
            groupId: config.KAFKA_GROUP_ID,
            fromBeginning: false,
            sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            heartbeatIntervalMs: Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10),
          }),
        ),
      ],
      controllers: [RefinerConsumer],
      providers: [
        SilverMetrics,
        RefinerLifecycle,
        { provide: Lake, useValue: lake },
        { provide: SilverReader, useValue: new DeltaSilverReader(lake, table) },
        { provide: SilverExactlyOnce, useValue: new SilverExactlyOnce(lake, table, names) },
        { provide: REFINER_OPTIONS, useValue: options },
        { provide: POLL_INTERVAL_MS, useValue: config.REFINER_POLL_INTERVAL_MS },
        {
          provide: RefinerService,
          inject: [
            Lake,
            SilverExactlyOnce,
            SilverReader,
            MessageProducer,
            SilverMetrics,
            Clock,
            REFINER_OPTIONS,
          ],
          useFactory: (...deps: ConstructorParameters<typeof RefinerService>) => new RefinerService(...deps),
        },
      ],
    };
  }
}
