import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { K8S_DIR } from './repo-paths';
import { loadK8sTools } from './k8s-tools';
import { asArray, containersOf, podTemplate } from './k8s-object';
import { topologyOf } from './topology';

// The kafka-topics Job's own shell script, taken from the rendered manifest, run against a real broker with the
// real kafka-topics.sh (TopicCommand from Maven Central) in place of the image's /opt/kafka/bin. Topic names get a
// per-run prefix so that the shared test broker's real topics are left alone.
const IMAGE_BIN = 'bin=/opt/kafka/bin';
const CLI_BIN = join(K8S_DIR, 'scripts', 'kafka-cli');

function brokers(): string {
  const value = process.env['KAFKA_BROKERS'];
  assert.ok(value, 'KAFKA_BROKERS is not set: start a broker (./lakehouse broker start) and export it');
  return value;
}

function jobScript(): string {
  const job = renderKustomization('base').find((o) => o.kind === 'Job' && o.metadata.name === 'kafka-topics');
  assert.ok(job, 'the kafka-topics Job is rendered');
  const command = asArray(containersOf(podTemplate(job) ?? {})[0]?.['command']);
  const script = command.at(-1);
  assert.ok(typeof script === 'string' && script.includes(IMAGE_BIN), `the Job's script sets ${IMAGE_BIN}`);
  return script.replace(IMAGE_BIN, `bin=${CLI_BIN}`);
}

function runJob(topics: string): { status: number | null; output: string } {
  const result = spawnSync('bash', ['-ec', jobScript()], {
    encoding: 'utf8',
    env: {
      ...process.env,
      TOPICS: topics,
      KAFKA_BROKERS: brokers(),
      KAFKA_CLI_CLASSPATH_FILE: loadK8sTools().kafkaCliClasspathFile,
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the kafka-topics Job on a real broker', () => {
  const prefix = `k8s-job-${Date.now()}`;
  const topology = topologyOf(renderKustomization('base'));
  const topics = [...topology.partitionsByTopic].map(
    ([name, partitions]) => `${prefix}.${name}:${partitions}`,
  );

  it('creates every topic of the topology with its partition count, and is idempotent', () => {
    for (let run = 1; run <= 2; run += 1) {
      const { status, output } = runJob(topics.join(' '));
      assert.equal(status, 0, `run ${run}:\n${output}`);
      for (const [name, partitions] of topology.partitionsByTopic) {
        assert.match(
          output,
          new RegExp(`topic ${prefix}\\.${name.replace(/\./g, '\\.')}: ${partitions} partitions`),
        );
      }
    }
  });

  it('fails when an existing topic has another partition count', () => {
    const [name, partitions] = [...topology.partitionsByTopic][0] ?? ['', 0];
    const { status, output } = runJob(`${prefix}.${name}:${partitions + 1}`);
    assert.equal(status, 1, output);
    assert.match(output, new RegExp(`has ${partitions} partitions, want ${partitions + 1}`));
  });
});
