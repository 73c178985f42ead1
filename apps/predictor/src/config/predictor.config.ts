import { commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import { z } from 'zod';

export const PREDICTOR_DEFAULT_PORT = 3003;

export const predictorConfigSchema = z.object({
  ...commonEnv,
  ...kafkaEnv,
  HTTP_PORT: httpPort(PREDICTOR_DEFAULT_PORT),
  KAFKA_GROUP_ID: z.string().min(1).default('predictor'),
  EXCHANGE_TIME_ZONE: z.string().min(1).optional(),
});

export type PredictorConfig = z.output<typeof predictorConfigSchema>;
