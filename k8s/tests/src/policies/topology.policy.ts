import type { K8sObject } from '../k8s-object';
import type { AppConfigModule } from '../app-config.reader';
import { topologyOf } from '../topology';
import { parsedAppConfigOrUndefined } from './app-config.policy';
import type { Violation } from './violation';

export type PipelineTopology = (options: {
  partitions: number;
  replicationFactor: number;
}) => readonly { name: string; partitions: number }[];

/**
 * The topics Job and the services must create the same topology, whichever starts first: the Job's TOPICS equal
 * libs/bus pipelineTopology() at the partition count and replication factor each Kafka-using service parses from
 * the env these manifests give it.
 */
export function checkTopology(
  objects: readonly K8sObject[],
  apps: readonly AppConfigModule[],
  pipelineTopology: PipelineTopology,
): Violation[] {
  const declared = topologyOf(objects).partitionsByTopic;
  const violations: Violation[] = [];
  for (const app of apps) {
    const config = parsedAppConfigOrUndefined(objects, app);
    if (config === undefined) continue; // the app-config rule reports it
    const partitions = config['KAFKA_TOPIC_PARTITIONS'];
    const replicationFactor = config['KAFKA_REPLICATION_FACTOR'];
    if (typeof partitions !== 'number' || typeof replicationFactor !== 'number') continue; // no Kafka in this app
    const created = pipelineTopology({ partitions, replicationFactor });
    const mismatches = created
      .filter((t) => declared.get(t.name) !== t.partitions)
      .map(
        (t) => `${t.name}: the service creates ${t.partitions}, the Job ${declared.get(t.name) ?? 'none'}`,
      );
    const extra = [...declared.keys()].filter((name) => !created.some((t) => t.name === name));
    if (mismatches.length > 0 || extra.length > 0) {
      violations.push({
        code: 'TOPOLOGY_MISMATCH',
        object: `Deployment/${app.app}`,
        message: [...mismatches, ...extra.map((name) => `${name}: only the Job creates it`)].join('; '),
      });
    }
  }
  return violations;
}
