import { hostname } from 'node:os';
import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv, lakeEnv, sensitive } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumers subscribe through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const PUBLISHER_TOPICS = {
  predictions: 'signals.predictions',
  outcomes: 'ticks.outcomes',
  refined: 'ticks.refined',
} as const satisfies Record<string, TopicName>;

export const PUBLISHER_DEFAULT_PORT = 3004;
/** HS256 wants a key at least as long as its hash: 32 bytes. */
export const MIN_AUTH_SECRET_LENGTH = 32;

const goldWriterSchema = z.stringbool().default(true);

/** `GOLD_WRITER` alone, read before the app is built (it decides whether the Kafka transport exists). */
export function goldWriterOf(env: NodeJS.ProcessEnv): boolean {
  const parsed = goldWriterSchema.safeParse(env.GOLD_WRITER);
  return parsed.success ? parsed.data : true;
}

export const publisherConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...lakeEnv,
    HTTP_PORT: httpPort(PUBLISHER_DEFAULT_PORT),
    /** HS256 secret of the client tokens (sockets and `/api`). */
    PUBLISHER_AUTH_SECRET: sensitive(
      z.string().min(MIN_AUTH_SECRET_LENGTH, `at least ${MIN_AUTH_SECRET_LENGTH} characters`),
    ),
    /** Whether this replica writes Gold. Exactly one consumer group does: every writer replica shares it. */
    GOLD_WRITER: goldWriterSchema,
    /**
     * Whether this replica reads the live feed for its sockets. A replica that only writes Gold (`GOLD_WRITER=true`,
     * `LIVE_FEED=false`, run at a lower CPU priority) keeps the Gold writer's batch work off the live replicas' cores.
     */
    LIVE_FEED: z.stringbool().default(true),
    /** The one Gold writer group (namespaced like topics). */
    GOLD_GROUP_ID: z.string().min(1).default('publisher-gold'),
    /**
     * This replica's live-feed group: its own, so it sees every partition and serves every symbol. The default
     * names the host and the process, so two replicas on one machine do not split the partitions between them.
     */
    LIVE_GROUP_ID: z
      .string()
      .min(1)
      .default(() => `publisher-live-${hostname()}-${process.pid}`),
    /** See the ingestor's: how long the group waits for a silent member before reassigning its partitions. */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /** Events kept per symbol for `subscribe { since }` replays. */
    SOCKET_HISTORY_PER_SYMBOL: z.coerce.number().int().min(1).max(100_000).default(1_000),
    /** Messages a client may have in flight; past it messages to that client are dropped and counted. */
    SOCKET_CLIENT_BUFFER: z.coerce.number().int().min(1).max(100_000).default(1_000),
    /** Resolved events per model version and symbol in the rolling accuracy window. */
    ACCURACY_WINDOW_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
    /** How often `gold.accuracy` is recomputed (writer) and read for sockets, gauges and drift (every replica). */
    ACCURACY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    /** Drift: evaluations in a row with rolling MCC below the baseline before the alert is raised. */
    DRIFT_CONSECUTIVE: z.coerce.number().int().min(1).max(10_000).default(3),
    /** Drift: resolved events the window must hold before the rule judges. */
    DRIFT_MIN_WINDOW: z.coerce.number().int().min(1).max(1_000_000).default(200),
  })
  .superRefine(checkKafkaAuth);

export type PublisherConfig = z.output<typeof publisherConfigSchema>;
