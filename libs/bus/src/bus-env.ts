import { BusOptions, ConsumerOptions, SaslCredentials } from './bus-options';
import { pipelineTopology } from './topology';

/** The Kafka part of a stage's validated env (platform's `kafkaEnv`). */
export interface KafkaEnvConfig {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_CLIENT_ID?: string | undefined;
  readonly KAFKA_TOPIC_PARTITIONS: number;
  readonly KAFKA_REPLICATION_FACTOR: number;
  readonly KAFKA_NAMESPACE: string;
  readonly KAFKA_SSL?: boolean;
  readonly KAFKA_SASL_MECHANISM?: SaslCredentials['mechanism'] | undefined;
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
}

/** Bus options for a stage: its client id, the whole pipeline topology ensured at start, and its consumer if any. */
export function busOptionsFromEnv(
  stage: string,
  env: KafkaEnvConfig,
  consumer?: ConsumerOptions,
): BusOptions {
  return {
    clientId: env.KAFKA_CLIENT_ID ?? stage,
    brokers: env.KAFKA_BROKERS,
    namespace: env.KAFKA_NAMESPACE,
    topology: pipelineTopology({
      partitions: env.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    }),
    ...(env.KAFKA_SSL ? { ssl: true } : {}),
    ...(env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? {
          sasl: {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD,
          },
        }
      : {}),
    ...(consumer ? { consumer } : {}),
  };
}
