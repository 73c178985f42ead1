import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv, lakeEnv } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumer subscribes through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const REFINER_TOPICS = {
  input: 'lake.commits',
  output: 'ticks.refined',
} as const satisfies Record<string, TopicName>;

export const REFINER_DEFAULT_PORT = 3002;

export const refinerConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...lakeEnv,
    HTTP_PORT: httpPort(REFINER_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('refiner'),
  })
  .superRefine(checkKafkaAuth);

export type RefinerConfig = z.output<typeof refinerConfigSchema>;
