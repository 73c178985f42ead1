import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumer subscribes through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const INGESTOR_TOPICS = {
  input: 'ticks.raw',
  output: 'lake.commits',
} as const satisfies Record<string, TopicName>;

export const INGESTOR_DEFAULT_PORT = 3001;

export const ingestorConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    HTTP_PORT: httpPort(INGESTOR_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('ingestor'),
    /** IANA zone in which exchange-local timestamps (`yyyy-MM-dd HH:mm:ss`) are read; without it they are rejected. */
    EXCHANGE_TIME_ZONE: z.string().min(1).optional(),
  })
  .superRefine(checkKafkaAuth);

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
