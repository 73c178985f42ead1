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
  outcomes: 'ticks.outcomes',
} as const satisfies Record<string, TopicName>;

export const REFINER_DEFAULT_PORT = 3002;

export const refinerConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...lakeEnv,
    HTTP_PORT: httpPort(REFINER_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('refiner'),
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
    /** `lake.commits` is only a hint: Bronze is also polled this often, so a lost notification delays nothing long. */
    REFINER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
    /** Bronze versions refined per Silver commit, at most. */
    REFINER_MAX_VERSIONS_PER_COMMIT: z.coerce.number().int().min(1).default(50),
    /**
     * Bronze rows a Silver commit aims at: the number of versions read at once halves when a chunk held more and
     * doubles (up to the maximum) when it held less than half, starting from one version.
     */
    REFINER_TARGET_ROWS_PER_COMMIT: z.coerce.number().int().min(1).default(100_000),
    /**
     * Silver commits start at most this often: ticks are announced before their commit, so the interval costs
     * Silver's freshness, not the live signal, and buys fewer, larger MERGEs (less CPU, fewer small files).
     */
    REFINER_MIN_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    /** A tick more than this ahead of the time Bronze received it is rejected (EVENT_TIME_TOO_LATE). */
    REFINER_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** Earliest accepted event time (ISO-8601); earlier ticks are rejected (EVENT_TIME_TOO_EARLY). */
    REFINER_MIN_EVENT_TIME: z.iso.datetime({ offset: true }).default('1990-01-01T00:00:00Z'),
  })
  .superRefine(checkKafkaAuth);

export type RefinerConfig = z.output<typeof refinerConfigSchema>;
