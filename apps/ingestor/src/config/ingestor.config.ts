import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv, lakeEnv } from '@lakehouse/platform';
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
    ...lakeEnv,
    HTTP_PORT: httpPort(INGESTOR_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('ingestor'),
    /**
     * Partitions whose fetched batches are handled at once: the batches waiting while a Bronze commit is in flight
     * share the next commit (group commit, one txn per partition). 1: a commit per partition batch.
     */
    BRONZE_CONCURRENT_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(16),
    /** Records per Bronze commit: a larger fetched batch is committed in slices of this size. */
    BRONZE_MAX_RECORDS_PER_COMMIT: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
    /**
     * A Bronze commit starts at least this long after the previous one started; what arrives meanwhile joins it. A
     * blind append takes a millisecond or two, so without a floor the ingestor commits every fetched batch (~50 a
     * second at 5k ticks/s) and every later stage pays its per-commit costs that often (a notification, a refiner
     * chunk, a run per symbol). 0: commit as soon as batches wait.
     */
    BRONZE_MIN_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(50),
    /** Largest payload Bronze stores; larger records are dead-lettered as PAYLOAD_TOO_LARGE. */
    BRONZE_MAX_TICK_BYTES: z.coerce
      .number()
      .int()
      .min(64)
      .max(16 * 1024 * 1024)
      .default(16 * 1024),
    /**
     * How long the group waits for a silent member before giving its partitions to the others: the stall after a
     * replica dies without leaving (kill -9, a lost node). The broker allows 6 s at the least.
     */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /** How long a fetch may wait for data: with the fetch size, the latency bound of a flush. */
    BRONZE_MAX_FLUSH_LATENCY_MS: z.coerce.number().int().min(1).max(60_000).default(250),
    /** IANA zone in which exchange-local timestamps (`yyyy-MM-dd HH:mm:ss`) are read; without it they are rejected. */
    EXCHANGE_TIME_ZONE: z.string().min(1).optional(),
  })
  .superRefine(checkKafkaAuth);

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
