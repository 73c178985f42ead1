import { busOptionsFromEnv, BusModule, type KafkaEnvConfig, MessageProducer } from '@lakehouse/bus';
import { JsonLogger, PlatformModule } from '@lakehouse/platform';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Module({})
class CliRootModule {}

/**
 * Runs `body` with the bus's idempotent producer, in a Nest application context (no HTTP, no consumer), and
 * drains and disconnects it afterwards — the same producer the services use, so commands publish the same way.
 */
export async function withProducer<T>(
  stage: string,
  config: KafkaEnvConfig & object,
  body: (producer: MessageProducer) => Promise<T>,
): Promise<T> {
  const logger = new JsonLogger({ stage, level: 'warn' });
  const context = await NestFactory.createApplicationContext(
    {
      module: CliRootModule,
      imports: [
        PlatformModule.forRoot({ stage, config, logger }),
        BusModule.forRoot(busOptionsFromEnv(stage, config)),
      ],
    },
    { logger, abortOnError: false },
  );
  try {
    return await body(context.get(MessageProducer));
  } finally {
    await context.close();
  }
}
