import { hostname } from 'node:os';
import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumer subscribes through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const PUBLISHER_TOPICS = {
  input: 'signals.predictions',
} as const satisfies Record<string, TopicName>;

export const PUBLISHER_DEFAULT_PORT = 3004;
export const DEFAULT_SIGNAL_RING_SIZE = 100;

export const publisherConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    HTTP_PORT: httpPort(PUBLISHER_DEFAULT_PORT),
    /** Each replica is its own group (every replica serves every symbol): the pod's hostname by default. */
    KAFKA_GROUP_ID: z
      .string()
      .min(1)
      .default(() => `publisher-${hostname()}`),
    SIGNAL_RING_SIZE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_SIGNAL_RING_SIZE),
  })
  .superRefine(checkKafkaAuth);

export type PublisherConfig = z.output<typeof publisherConfigSchema>;
