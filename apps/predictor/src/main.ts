import 'reflect-metadata';
import { KafkaBatchTransport } from '@lakehouse/bus';
import { runStage } from '@lakehouse/platform';
import { predictorConfigSchema } from './config/predictor.config';
import { PredictorModule } from './predictor.module';

runStage({
  stage: 'predictor',
  configSchema: predictorConfigSchema,
  module: (config) => PredictorModule.register(config),
  transport: (app) => app.get(KafkaBatchTransport),
});
