import { z } from 'zod';

/** Keys whose values never appear in logs: the start-up line prints them as `***`. */
export const sensitiveKeys = z.registry<{ sensitive: true }>();

/** Marks an env key's schema as sensitive (a password, a token, a URL with credentials). */
export function sensitive<T extends z.ZodType>(schema: T): T {
  sensitiveKeys.add(schema, { sensitive: true });
  return schema;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** A TCP port with a default, overridable from env. */
export function httpPort(defaultPort: number) {
  return z.coerce.number().int().min(1).max(65_535).default(defaultPort);
}

/** `host:port[,host:port…]` into a list; rejects empty entries and entries without a port. */
export const kafkaBrokers = z
  .string()
  .trim()
  .min(1, 'must list at least one broker')
  .transform((value) => value.split(',').map((b) => b.trim()))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'must list brokers'),
  );

/** The env every stage shares. Spread it into an app's schema: `z.object({ ...commonEnv, ...kafkaEnv, X: … })`. */
export const commonEnv = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default('log'),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** After SIGTERM, how long the drain may take before the process gives up and exits 1. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
};

/** The env of every stage that talks to Kafka. */
export const kafkaEnv = {
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Partition count for the multi-partition topics when this stage creates the topology. */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).default(1),
  KAFKA_SSL: z.stringbool().default(false),
  /** With a mechanism, `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD` are required (see {@link checkKafkaAuth}). */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: sensitive(z.string().min(1).optional()),
  /** Prefix of every topic and group id on the wire; lets test runs share a broker. Empty in production. */
  KAFKA_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only')
    .default(''),
};

/** The env of every stage that reads or writes the lake. */
export const lakeEnv = {
  LAKE_ROOT: z.string().min(1, 'must be a directory or object-store URL'),
};

/**
 * Cross-key rule of {@link kafkaEnv}: a SASL mechanism needs a username and a password. Attach it to an app schema
 * with `.superRefine(checkKafkaAuth)`.
 */
export function checkKafkaAuth(
  env: {
    KAFKA_SASL_MECHANISM?: string | undefined;
    KAFKA_SASL_USERNAME?: string | undefined;
    KAFKA_SASL_PASSWORD?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (env.KAFKA_SASL_MECHANISM === undefined) return;
  for (const key of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (env[key] === undefined)
      ctx.addIssue({ code: 'custom', path: [key], message: 'required with KAFKA_SASL_MECHANISM' });
  }
}
