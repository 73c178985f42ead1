import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { commonEnv } from '../config/env-schema';
import { ConfigError, describeConfig, EnvSchema, loadConfig } from '../config/load-config';
import { errorMessage } from '../errors/coded-error';
import { JsonLogger } from '../logging/json-logger';
import { PlatformModule } from '../platform.module';

/** What every stage's schema must contain (spread `commonEnv` and an `HTTP_PORT: httpPort(…)`). */
const stageBaseSchema = z.object({
  ...commonEnv,
  HTTP_PORT: z.number().int(),
});

/** A Nest custom transport strategy; structural so the platform need not depend on @nestjs/microservices. */
export interface TransportStrategy {
  listen(callback: (...optionalParams: unknown[]) => unknown): unknown;
  close(): unknown;
}

export interface StageDefinition<S extends EnvSchema> {
  /** The app's name: the `stage` field of logs and the `stage` label of metrics. */
  readonly stage: string;
  readonly configSchema: S;
  /** The app's module, wired from its validated config. */
  readonly module: (config: z.output<S>) => DynamicModule;
  /** The Kafka transport to connect as a Nest microservice, resolved from the app's container. */
  readonly transport?: (app: INestApplication) => TransportStrategy;
  /** App-level setup before init (an OpenAPI document, static assets): runs once the module is created. */
  readonly configure?: (app: INestApplication, config: z.output<S>) => void | Promise<void>;
  readonly env?: NodeJS.ProcessEnv;
}

@Module({})
class StageRootModule {}

/**
 * Starts a stage as a Nest hybrid app: config validated once (a {@link ConfigError} otherwise), JSON logs, an HTTP
 * server for /health, /health/ready and /metrics (plus the app's own controllers), the Kafka transport as a connected
 * microservice, and shutdown on SIGTERM/SIGINT through Nest's hooks (the bus drains there) ending in exit code 0.
 */
export async function bootstrapStage<S extends EnvSchema>(
  definition: StageDefinition<S>,
): Promise<INestApplication> {
  const config = loadConfig(definition.configSchema, definition.env ?? process.env);
  const base = stageBaseSchema.parse(config);
  const logger = new JsonLogger({ stage: definition.stage, level: base.LOG_LEVEL });
  routeProcessWarnings(logger);
  logger.log({ msg: 'starting', config: describeConfig(definition.configSchema, config) }, 'Bootstrap');

  const app = await NestFactory.create(
    {
      module: StageRootModule,
      imports: [
        PlatformModule.forRoot({ stage: definition.stage, config, logger }),
        definition.module(config),
      ],
    },
    { logger, abortOnError: false },
  );
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  armShutdownDeadline(logger, base.SHUTDOWN_TIMEOUT_MS);
  if (definition.transport) {
    app.connectMicroservice({ strategy: definition.transport(app) }, { inheritAppConfig: true });
  }
  await definition.configure?.(app, config);
  // Init first so that module hooks (topic creation, producer connect) run before the consumer subscribes.
  await app.init();
  await app.listen(base.HTTP_PORT, base.HTTP_HOST);
  await app.startAllMicroservices();
  logger.log({ msg: 'started', httpPort: base.HTTP_PORT }, 'Bootstrap');
  return app;
}

/**
 * Node prints process warnings as plain text on stderr; a stage's output is JSON lines only. kafkajs 2.2.4 computes
 * a negative timeout in its request queue on every response under Node 24 (harmless, clamped to 1 ms): that one is
 * demoted to debug so it does not drown real warnings.
 */
function routeProcessWarnings(logger: JsonLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    const fields = { msg: warning.message, warning: warning.name };
    if (warning.name === 'TimeoutNegativeWarning') logger.debug(fields, 'process');
    else logger.warn({ ...fields, stack: warning.stack }, 'process');
  });
}

/** A drain that hangs (a broker gone away) must not keep a terminating pod alive forever. */
function armShutdownDeadline(logger: JsonLogger, timeoutMs: number): void {
  const arm = (signal: NodeJS.Signals) => {
    logger.log({ msg: 'shutting down', signal }, 'Bootstrap');
    setTimeout(() => {
      logger.fatal({ msg: 'shutdown did not finish in time; exiting', timeoutMs }, 'Bootstrap');
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}

/**
 * `main.ts`'s one line: boots the stage, or writes why it cannot to stderr and exits non-zero
 * (every bad config key listed).
 */
export function runStage<S extends EnvSchema>(definition: StageDefinition<S>): void {
  bootstrapStage(definition).catch((error: unknown) => {
    const reason =
      error instanceof ConfigError
        ? error.message
        : (error instanceof Error && error.stack) || errorMessage(error);
    process.stderr.write(`${definition.stage} refused to start: ${reason}\n`);
    process.exit(1);
  });
}
