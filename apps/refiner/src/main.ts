import 'reflect-metadata';
import { KafkaBatchTransport } from '@lakehouse/bus';
import { runStage } from '@lakehouse/platform';
import { refinerConfigSchema } from './config/refiner.config';
import { RefinerModule } from './refiner.module';

runStage({
  stage: 'refiner',
  configSchema: refinerConfigSchema,
  module: (config) => RefinerModule.register(config),
  transport: (app) => app.get(KafkaBatchTransport),
});
