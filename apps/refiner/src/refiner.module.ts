import { busOptionsFromEnv, BusModule } from '@lakehouse/bus';
import { DeltaLake, Lake } from '@lakehouse/lake';
import { DynamicModule, Module } from '@nestjs/common';
import { RefinerConfig } from './config/refiner.config';
import { RefinerConsumer } from './refiner.consumer';
import { RefinerService } from './refiner.service';

@Module({})
export class RefinerModule {
  static register(config: RefinerConfig): DynamicModule {
    return {
      module: RefinerModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('refiner', config, { groupId: config.KAFKA_GROUP_ID, fromBeginning: true }),
        ),
      ],
      controllers: [RefinerConsumer],
      providers: [RefinerService, { provide: Lake, useValue: new DeltaLake(config.LAKE_ROOT) }],
    };
  }
}
