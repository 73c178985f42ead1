import { asArray, at, describe, type K8sObject } from '../k8s-object';
import type { Violation } from './violation';

/** What the predictor's autoscaler must watch: its consumer group, its input topic and that topic's partitions. */
export interface ScalerExpectation {
  readonly deployment: string;
  readonly consumerGroup: string;
  readonly topic: string;
  readonly partitions: number;
  /** Where the expectation comes from, for the message: "k8s kafka-topology", "apps/predictor/src/config". */
  readonly source: string;
}

/**
 * A KEDA ScaledObject or an HPA aimed at the expected Deployment: the Deployment exists; a Kafka trigger watches
 * the expected group and topic; the replica cap is at most the topic's partition count.
 */
export function checkScalers(objects: readonly K8sObject[], expected: ScalerExpectation): Violation[] {
  const violations: Violation[] = [];
  const deployments = new Set(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name));
  const scalers = objects.filter(
    (o) =>
      (o.kind === 'ScaledObject' || o.kind === 'HorizontalPodAutoscaler') &&
      at(o, 'spec', 'scaleTargetRef', 'name') === expected.deployment,
  );
  for (const scaler of scalers) {
    const name = describe(scaler);
    const add = (code: Violation['code'], message: string): void => {
      violations.push({ code, object: name, message: `${message} (per ${expected.source})` });
    };
    if (!deployments.has(expected.deployment))
      add('SCALER_TARGET_MISSING', `no Deployment ${expected.deployment}`);
    const max =
      scaler.kind === 'ScaledObject'
        ? at(scaler, 'spec', 'maxReplicaCount')
        : at(scaler, 'spec', 'maxReplicas');
    if (typeof max !== 'number' || max > expected.partitions) {
      add(
        'SCALER_ABOVE_PARTITIONS',
        `replica cap ${String(max)} exceeds ${expected.topic}'s ${expected.partitions} partitions`,
      );
    }
    if (scaler.kind !== 'ScaledObject') continue;
    const kafka = asArray(at(scaler, 'spec', 'triggers')).filter((t) => at(t, 'type') === 'kafka');
    if (kafka.length === 0) add('SCALER_TOPIC_MISMATCH', 'has no kafka trigger');
    for (const trigger of kafka) {
      const group = at(trigger, 'metadata', 'consumerGroup');
      const topic = at(trigger, 'metadata', 'topic');
      if (group !== expected.consumerGroup) {
        add('SCALER_GROUP_MISMATCH', `consumerGroup ${String(group)}, want ${expected.consumerGroup}`);
      }
      if (topic !== expected.topic)
        add('SCALER_TOPIC_MISMATCH', `topic ${String(topic)}, want ${expected.topic}`);
    }
  }
  return violations;
}
