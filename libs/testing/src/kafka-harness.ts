import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Kafka broker that a test suite may use, and how to let go of it. */
export interface KafkaHandle {
  /** Bootstrap addresses, `host:port`. */
  readonly brokers: string[];
  /** Where the broker came from, for the test log. */
  readonly source: 'env' | 'testcontainers' | 'local-jars';
  /** Stops the broker if this handle started it; a no-op for a broker given through `KAFKA_BROKERS`. */
  stop(): Promise<void>;
}

/** The Confluent image is what `@testcontainers/kafka` knows how to configure for KRaft. */
const CONTAINER_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const CONTAINER_KAFKA_PORT = 9093;
const REPO_ROOT = resolve(__dirname, '../../..');
const BROKER_SCRIPT = join(REPO_ROOT, 'scripts/kafka/broker.sh');

/**
 * The one place that decides which broker tests use:
 * 1. `KAFKA_BROKERS` when set (a broker someone else runs: CI's, a developer's, a cluster's);
 * 2. else testcontainers' Kafka module, when a working container runtime is detected;
 * 3. else a real broker assembled from Maven Central jars by `scripts/kafka/broker.sh`, in a temporary directory;
 * 4. else it fails, saying what is missing.
 */
export async function acquireKafka(env: NodeJS.ProcessEnv = process.env): Promise<KafkaHandle> {
  const fromEnv = env.KAFKA_BROKERS?.trim();
  if (fromEnv) {
    return { brokers: fromEnv.split(',').map((b) => b.trim()), source: 'env', stop: () => Promise.resolve() };
  }
  if (await containerRuntimeWorks()) return startContainer();
  const missing = await missingLocalTools();
  if (missing.length === 0) return startLocalBroker();
  throw new Error(
    'No Kafka broker for the tests: KAFKA_BROKERS is not set, no container runtime answers, and the local broker ' +
      `cannot be assembled (missing: ${missing.join(', ')}). Install Java 17 and Maven, or set KAFKA_BROKERS.`,
  );
}

async function containerRuntimeWorks(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return client.info.containerRuntime.host.length > 0;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<KafkaHandle> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(CONTAINER_IMAGE).withKraft().start();
  return {
    brokers: [`${container.getHost()}:${container.getMappedPort(CONTAINER_KAFKA_PORT)}`],
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

async function missingLocalTools(): Promise<string[]> {
  const missing: string[] = [];
  if (!existsSync(BROKER_SCRIPT)) missing.push(BROKER_SCRIPT);
  for (const tool of ['java', 'mvn']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      missing.push(tool);
    }
  }
  return missing;
}

async function startLocalBroker(): Promise<KafkaHandle> {
  const workRoot = join(REPO_ROOT, '.work');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(workRoot, { recursive: true });
  const dir = await mkdtemp(join(workRoot, 'kafka-test-'));
  const { stdout } = await run(BROKER_SCRIPT, ['start', '--dir', dir], { maxBuffer: 1 << 20 });
  const match = /KAFKA_BROKERS=(\S+)/.exec(stdout);
  if (!match?.[1]) throw new Error(`broker.sh start printed no KAFKA_BROKERS line:\n${stdout}`);
  const brokers = match[1].split(',');
  return {
    brokers,
    source: 'local-jars',
    stop: async () => {
      await run(BROKER_SCRIPT, ['stop', '--dir', dir]);
      const { rm } = await import('node:fs/promises');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
