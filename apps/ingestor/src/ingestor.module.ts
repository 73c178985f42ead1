import { busOptionsFromEnv, BusModule } from '@lakehouse/bus';
import { DynamicModule, Module } from '@nestjs/common';
import { IngestorConfig } from './config/ingestor.config';
import { IngestorConsumer, TICK_PARSER_OPTIONS } from './ingestor.consumer';
import { IngestorService } from './ingestor.service';

@Module({})
export class IngestorModule {
  static register(config: IngestorConfig): DynamicModule {
    return {
      module: IngestorModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('ingestor', config, { groupId: config.KAFKA_GROUP_ID, fromBeginning: true }),
        ),
      ],
      controllers: [IngestorConsumer],
      providers: [
        IngestorService,
        {
          provide: TICK_PARSER_OPTIONS,
          useValue: config.EXCHANGE_TIME_ZONE ? { exchangeTimeZone: config.EXCHANGE_TIME_ZONE } : {},
        },
      ],
    };
  }
}
