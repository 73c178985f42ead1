import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumer subscribes through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const PREDICTOR_TOPICS = {
  input: 'ticks.refined',
  output: 'signals.predictions',
} as const satisfies Record<string, TopicName>;

export const PREDICTOR_DEFAULT_PORT = 3003;

export const predictorConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    HTTP_PORT: httpPort(PREDICTOR_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('predictor'),
    EXCHANGE_TIME_ZONE: z.string().min(1).optional(),
  })
  .superRefine(checkKafkaAuth);

export type PredictorConfig = z.output<typeof predictorConfigSchema>;
