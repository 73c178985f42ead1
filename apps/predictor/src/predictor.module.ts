import { busOptionsFromEnv, BusModule } from '@lakehouse/bus';
import { FilesystemModelStore, ModelStore } from '@lakehouse/model';
import { JsonLogger, ReadinessRegistry } from '@lakehouse/platform';
import {
  DynamicModule,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { modelStoreDir, PredictorConfig } from './config/predictor.config';
import { PredictorConsumer } from './predictor.consumer';
import { MONOTONIC_MS, PredictorService } from './predictor.service';
import { ModelHolder } from './serving/model-holder';
import { PredictorMetrics } from './serving/predictor-metrics';

const PREDICTOR_CONFIG = Symbol('PREDICTOR_CONFIG');

/** Starts the model holder before the consumer subscribes (module init precedes the transport's listen). */
@Injectable()
class ModelLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly holder: ModelHolder,
    readiness: ReadinessRegistry,
  ) {
    readiness.register('model', () => holder.probe());
  }

  async onModuleInit(): Promise<void> {
    await this.holder.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.holder.stop();
  }
}

function createHolder(
  config: PredictorConfig,
  store: ModelStore,
  log: JsonLogger,
  metrics: PredictorMetrics,
): ModelHolder {
  return new ModelHolder(
    store,
    {
      backend: config.TF_BACKEND,
      runtime: config.MODEL_RUNTIME,
      onnxThreads: config.ONNX_THREADS,
      pollMs: config.MODEL_POLL_MS,
      storeDescription: modelStoreDir(config),
    },
    (level, fields) => log[level](fields, ModelHolder.name),
    (version, backend) => metrics.serving(version, backend),
  );
}

@Module({})
export class PredictorModule {
  static register(config: PredictorConfig): DynamicModule {
    return {
      module: PredictorModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('predictor', config, { groupId: config.KAFKA_GROUP_ID, fromBeginning: true }),
        ),
      ],
      controllers: [PredictorConsumer],
      providers: [
        { provide: PREDICTOR_CONFIG, useValue: config },
        { provide: ModelStore, useFactory: () => new FilesystemModelStore(modelStoreDir(config)) },
        { provide: MONOTONIC_MS, useValue: () => performance.now() },
        PredictorMetrics,
        {
          provide: ModelHolder,
          useFactory: createHolder,
          inject: [PREDICTOR_CONFIG, ModelStore, JsonLogger, PredictorMetrics],
        },
        ModelLifecycle,
        PredictorService,
      ],
    };
  }
}
