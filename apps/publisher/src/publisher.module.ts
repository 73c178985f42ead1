import { busOptionsFromEnv, BusModule } from '@lakehouse/bus';
import { DynamicModule, Module } from '@nestjs/common';
import { PublisherConfig } from './config/publisher.config';
import { PublisherConsumer } from './publisher.consumer';
import { PublisherService, SIGNAL_RING_SIZE } from './publisher.service';
import { SignalsController } from './signals.controller';

@Module({})
export class PublisherModule {
  static register(config: PublisherConfig): DynamicModule {
    return {
      module: PublisherModule,
      imports: [
        // A new replica warms its ring from the retained signals.
        BusModule.forRoot(
          busOptionsFromEnv('publisher', config, { groupId: config.KAFKA_GROUP_ID, fromBeginning: true }),
        ),
      ],
      controllers: [PublisherConsumer, SignalsController],
      providers: [PublisherService, { provide: SIGNAL_RING_SIZE, useValue: config.SIGNAL_RING_SIZE }],
    };
  }
}
