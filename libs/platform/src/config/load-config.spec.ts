import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv, lakeEnv, sensitive } from './env-schema';
import { ConfigError, describeConfig, loadConfig } from './load-config';

const DEFAULT_PORT = 3001;
const schema = z.object({
  ...commonEnv,
  ...kafkaEnv,
  ...lakeEnv,
  HTTP_PORT: httpPort(DEFAULT_PORT),
  API_TOKEN: sensitive(z.string().min(8)),
});
const VALID_ENV = {
  KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9093',
  LAKE_ROOT: '/tmp/lake',
  API_TOKEN: 'secret-token-value',
};

describe('loadConfig', () => {
  it('turns a valid env into one typed object with defaults and coercions applied', () => {
    const config = loadConfig(schema, { ...VALID_ENV, KAFKA_TOPIC_PARTITIONS: '6' });
    assert.deepEqual(config.KAFKA_BROKERS, ['127.0.0.1:9092', 'kafka-2:9093']);
    assert.equal(config.HTTP_PORT, DEFAULT_PORT);
    assert.equal(config.KAFKA_TOPIC_PARTITIONS, 6);
    assert.equal(config.LOG_LEVEL, 'log');
  });

  it('lists every bad key with its reason in one error', () => {
    const env = { KAFKA_BROKERS: 'no-port-here', HTTP_PORT: '70000', LOG_LEVEL: 'loud', API_TOKEN: 'short' };
    const error = captureConfigError(() => loadConfig(schema, env));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.deepEqual(error.issues.map((i) => i.key).sort(), [
      'API_TOKEN',
      'HTTP_PORT',
      'KAFKA_BROKERS.0',
      'LAKE_ROOT',
      'LOG_LEVEL',
    ]);
    for (const issue of error.issues) assert.match(error.message, new RegExp(`${issue.key}: .+`));
  });

  it('rejects a broker list with an empty entry', () => {
    const error = captureConfigError(() => loadConfig(schema, { ...VALID_ENV, KAFKA_BROKERS: 'a:1,,b:2' }));
    assert.deepEqual(
      error.issues.map((i) => i.key),
      ['KAFKA_BROKERS.1'],
    );
  });
});

describe('describeConfig', () => {
  it('masks sensitive keys and leaves the others readable', () => {
    const config = loadConfig(schema, VALID_ENV);
    const described = describeConfig(schema, config);
    assert.equal(described.API_TOKEN, '***');
    assert.equal(described.LAKE_ROOT, '/tmp/lake');
    assert.doesNotMatch(JSON.stringify(described), /secret-token-value/);
  });
});

function captureConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loadConfig to throw');
}

describe('Kafka credentials in the env', () => {
  const kafkaSchema = z.object({ ...kafkaEnv }).superRefine(checkKafkaAuth);
  const BROKERS = { KAFKA_BROKERS: 'kafka:9093' };

  it('require a username and a password once a SASL mechanism is set', () => {
    const error = captureConfigError(() =>
      loadConfig(kafkaSchema, { ...BROKERS, KAFKA_SASL_MECHANISM: 'scram-sha-512' }),
    );
    assert.deepEqual(error.issues.map((i) => i.key).sort(), ['KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME']);
  });

  it('mask the SASL password in the start-up description', () => {
    const password = 'hunter2-but-longer';
    const env = {
      ...BROKERS,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: password,
    };
    const described = describeConfig(kafkaSchema, loadConfig(kafkaSchema, env));
    assert.equal(described.KAFKA_SASL_USERNAME, 'svc');
    assert.doesNotMatch(JSON.stringify(described), new RegExp(password));
  });

  it('read KAFKA_SSL as a boolean word', () => {
    assert.equal(loadConfig(kafkaSchema, { ...BROKERS, KAFKA_SSL: 'true' }).KAFKA_SSL, true);
    assert.equal(loadConfig(kafkaSchema, BROKERS).KAFKA_SSL, false);
    assert.deepEqual(
      captureConfigError(() => loadConfig(kafkaSchema, { ...BROKERS, KAFKA_SSL: 'maybe' })).issues.map(
        (i) => i.key,
      ),
      ['KAFKA_SSL'],
    );
  });
});
