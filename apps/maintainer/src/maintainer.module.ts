import { DynamicModule, Module } from '@nestjs/common';
import { MaintainerConfig } from './config/maintainer.config';
import { MaintainerService } from './maintainer.service';

@Module({})
export class MaintainerModule {
  static register(_config: MaintainerConfig): DynamicModule {
    return { module: MaintainerModule, providers: [MaintainerService] };
  }
}
