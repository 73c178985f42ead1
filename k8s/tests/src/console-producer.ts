import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadK8sTools } from './k8s-tools';

/**
 * Produces `key<TAB>value` lines to a topic with Kafka's own console producer (the kafka-cli classpath that
 * setup-tools.sh installs), as cluster-smoke.sh does inside the Kafka pod.
 */
export function produceLines(brokers: string, topic: string, lines: readonly string[]): void {
  const classpath = readFileSync(loadK8sTools().kafkaCliClasspathFile, 'utf8').trim();
  const result = spawnSync(
    'java',
    [
      ...['-cp', classpath, 'org.apache.kafka.tools.ConsoleProducer'],
      ...['--bootstrap-server', brokers, '--topic', topic],
      ...['--property', 'parse.key=true', '--property', 'key.separator=\t'],
    ],
    { input: `${lines.join('\n')}\n`, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
}
