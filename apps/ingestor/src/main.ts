import 'reflect-metadata';
import { KafkaBatchTransport } from '@lakehouse/bus';
import { runStage } from '@lakehouse/platform';
import { ingestorConfigSchema } from './config/ingestor.config';
import { IngestorModule } from './ingestor.module';

runStage({
  stage: 'ingestor',
  configSchema: ingestorConfigSchema,
  module: (config) => IngestorModule.register(config),
  transport: (app) => app.get(KafkaBatchTransport),
});
