import { commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import { z } from 'zod';

export const REFINER_DEFAULT_PORT = 3002;

export const refinerConfigSchema = z.object({
  ...commonEnv,
  ...kafkaEnv,
  HTTP_PORT: httpPort(REFINER_DEFAULT_PORT),
  KAFKA_GROUP_ID: z.string().min(1).default('refiner'),
});

export type RefinerConfig = z.output<typeof refinerConfigSchema>;
