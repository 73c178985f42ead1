import 'reflect-metadata';
import { KafkaBatchTransport } from '@lakehouse/bus';
import { runStage } from '@lakehouse/platform';
import { publisherConfigSchema } from './config/publisher.config';
import { PublisherModule } from './publisher.module';

runStage({
  stage: 'publisher',
  configSchema: publisherConfigSchema,
  module: (config) => PublisherModule.register(config),
  transport: (app) => app.get(KafkaBatchTransport),
});
