import { JsonLogger } from '@lakehouse/platform';
import { Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { BusOptions, SaslCredentials } from '../bus-options';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

const REBALANCING = /rebalanc/i;

/** kafkajs' own logs, routed into the app's JSON logger under `kafkajs.<namespace>` contexts. */
export function createKafkaClient(options: BusOptions, logger: JsonLogger): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...(options.ssl ? { ssl: true } : {}),
    ...(options.sasl ? { sasl: saslOptions(options.sasl) } : {}),
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
        const entry = { msg: message, ...fields };
        const context = `kafkajs.${namespace}`;
        // kafkajs logs every broker error response at ERROR, including the rebalance notices of a normal group
        // membership change; those are expected and the Runner reports the rejoin itself.
        if (
          level === logLevel.ERROR &&
          namespace === 'Connection' &&
          REBALANCING.test(String(fields.error))
        ) {
          logger.debug(entry, context);
          return;
        }
        switch (level) {
          case logLevel.ERROR:
            logger.error(entry, context);
            break;
          case logLevel.WARN:
            logger.warn(entry, context);
            break;
          case logLevel.INFO:
            logger.log(entry, context);
            break;
          case logLevel.DEBUG:
            logger.debug(entry, context);
            break;
          case logLevel.NOTHING:
            break;
        }
      },
  });
}

/** kafkajs types SASL options as a union per mechanism. */
function saslOptions({ mechanism, username, password }: SaslCredentials): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}
