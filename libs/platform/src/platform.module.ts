import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Clock, SystemClock } from './clock/clock.port';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness-registry';
import { JsonLogger } from './logging/json-logger';
import { MetricsController } from './metrics/metrics.controller';
import { PipelineMetrics } from './metrics/pipeline-metrics';

/** DI token of the app's validated config object (`@Inject(APP_CONFIG) config: MyStageConfig`). */
export const APP_CONFIG = Symbol('APP_CONFIG');

export interface PlatformModuleOptions {
  readonly stage: string;
  readonly config: object;
  readonly logger: JsonLogger;
}

/**
 * Global: the config, the JSON logger, the metrics registry, the readiness registry, the clock, and the /health and /metrics
 * controllers. `bootstrapStage` imports it; apps never do.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: JsonLogger, useValue: options.logger },
        { provide: PipelineMetrics, useValue: new PipelineMetrics(options.stage) },
        ReadinessRegistry,
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [APP_CONFIG, JsonLogger, PipelineMetrics, ReadinessRegistry, Clock],
    };
  }
}
