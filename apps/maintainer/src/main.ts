import 'reflect-metadata';
import { runStage } from '@lakehouse/platform';
import { maintainerConfigSchema } from './config/maintainer.config';
import { MaintainerModule } from './maintainer.module';

runStage({
  stage: 'maintainer',
  configSchema: maintainerConfigSchema,
  module: (config) => MaintainerModule.register(config),
});
