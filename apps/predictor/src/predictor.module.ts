import { busOptionsFromEnv, BusModule } from '@lakehouse/bus';
import { DynamicModule, Module } from '@nestjs/common';
import { PredictorConfig } from './config/predictor.config';
import { PredictorConsumer, TICK_PARSER_OPTIONS } from './predictor.consumer';
import { PredictorService } from './predictor.service';

@Module({})
export class PredictorModule {
  static register(config: PredictorConfig): DynamicModule {
    return {
      module: PredictorModule,
      imports: [
        BusModule.forRoot(
          busOptionsFromEnv('predictor', config, { groupId: config.KAFKA_GROUP_ID, fromBeginning: true }),
        ),
      ],
      controllers: [PredictorConsumer],
      providers: [
        PredictorService,
        {
          provide: TICK_PARSER_OPTIONS,
          useValue: config.EXCHANGE_TIME_ZONE ? { exchangeTimeZone: config.EXCHANGE_TIME_ZONE } : {},
        },
      ],
    };
  }
}
