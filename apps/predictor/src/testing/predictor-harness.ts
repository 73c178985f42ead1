import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  KafkaBatchTransport,
  type RefinedTick,
  type SignalRecord,
  decodeSignalRecords,
  encodeRefinedTick,
} from '@lakehouse/bus';
import { PipelineMetrics, ReadinessRegistry, bootstrapStage } from '@lakehouse/platform';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { predictorConfigSchema } from '../config/predictor.config';
import { PredictorModule } from '../predictor.module';

/** A free TCP port for a replica's HTTP server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ReplicaEnv {
  readonly brokers: readonly string[];
  readonly namespace: string;
  readonly groupId: string;
  readonly modelStoreDir: string;
  readonly partitions: number;
  readonly pollMs?: number;
}

/** One predictor replica in this process, as `main.ts` starts it (config, Nest app, Kafka transport). */
export async function startReplica(env: ReplicaEnv): Promise<INestApplication> {
  return bootstrapStage({
    stage: 'predictor',
    configSchema: predictorConfigSchema,
    module: (config) => PredictorModule.register(config),
    transport: (app) => app.get(KafkaBatchTransport),
    env: {
      KAFKA_BROKERS: env.brokers.join(','),
      KAFKA_NAMESPACE: env.namespace,
      KAFKA_GROUP_ID: env.groupId,
      KAFKA_TOPIC_PARTITIONS: String(env.partitions),
      MODEL_STORE_DIR: env.modelStoreDir,
      MODEL_POLL_MS: String(env.pollMs ?? 200),
      HTTP_PORT: String(await freePort()),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: process.env['PREDICTOR_TEST_LOG_LEVEL'] ?? 'fatal',
    },
  });
}

/** Whether every readiness probe of the replica is up. */
export async function isReady(app: INestApplication): Promise<boolean> {
  const probes = app.get(ReadinessRegistry).entries();
  const results = await Promise.all(probes.map(async ([, probe]) => (await probe()).up));
  return results.every(Boolean);
}

/** Records the replica handed to its handler (the bus's own counter). */
export async function consumedBy(app: INestApplication): Promise<number> {
  const metric = await app.get(PipelineMetrics).recordsConsumed.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function kafkaClient(brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId: `predictor-int-${randomUUID()}`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
}

/** Sends refined ticks (or raw bytes) to `<namespace>.ticks.refined`, keyed by symbol. */
export async function sendRefined(
  producer: Producer,
  namespace: string,
  records: ReadonlyArray<RefinedTick | { readonly key: string; readonly value: Buffer }>,
): Promise<void> {
  await producer.send({
    topic: `${namespace}.ticks.refined`,
    messages: records.map((r) => ('value' in r ? r : { key: r.symbol, value: encodeRefinedTick(r) })),
  });
}

/** Reads `<namespace>.<topic>` from the beginning until `done` says so; `parse` gives a record's items (events). */
export async function collect<T>(
  kafka: Kafka,
  namespace: string,
  topic: string,
  parse: (value: Buffer, headers: Record<string, unknown>) => readonly T[],
  done: (seen: readonly T[]) => boolean,
  timeoutMs = 90_000,
): Promise<T[]> {
  const consumer = kafka.consumer({ groupId: `${namespace}.collector.${randomUUID()}` });
  const seen: T[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${namespace}.${topic}`, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value) seen.push(...parse(message.value, message.headers ?? {}));
        return Promise.resolve();
      },
    });
    await eventually(`${topic} records`, () => Promise.resolve(done(seen) ? true : undefined), timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** The events of a `signals.predictions` record (a run or a single schema-1 record). */
export const parseSignal = (value: Buffer): SignalRecord[] => decodeSignalRecords(value);
