import { describe, type K8sObject } from './k8s-object';

/** The Kafka topology as k8s/ declares it, in the kafka-topology ConfigMap (k8s/base/config/kafka-topology.env). */
export interface KafkaTopology {
  readonly partitionsByTopic: ReadonlyMap<string, number>;
  readonly predictorConsumerGroup: string;
  readonly predictorInputTopic: string;
  readonly predictorInputPartitions: number;
}

export const TOPOLOGY_CONFIG_MAP = 'kafka-topology';

/** Reads the topology from rendered objects (the generated ConfigMap carries a hash suffix). */
export function topologyOf(objects: readonly K8sObject[]): KafkaTopology {
  const configMaps = objects.filter(
    (o) =>
      o.kind === 'ConfigMap' && new RegExp(`^${TOPOLOGY_CONFIG_MAP}(-[a-z0-9]+)?$`).test(o.metadata.name),
  );
  const [configMap] = configMaps;
  if (configMap === undefined || configMaps.length > 1) {
    throw new Error(`expected one ${TOPOLOGY_CONFIG_MAP} ConfigMap, found ${configMaps.length}`);
  }
  const data = (configMap['data'] ?? {}) as Record<string, string | undefined>;
  const required = (key: string): string => {
    const value = data[key];
    if (value === undefined || value === '') throw new Error(`${describe(configMap)} has no ${key}`);
    return value;
  };
  const partitionsByTopic = new Map<string, number>();
  for (const spec of required('TOPICS').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z0-9._-]+):([1-9][0-9]*)$/.exec(spec);
    if (match === null) throw new Error(`TOPICS entry "${spec}" is not name:partitions`);
    partitionsByTopic.set(match[1] as string, Number(match[2]));
  }
  return {
    partitionsByTopic,
    predictorConsumerGroup: required('PREDICTOR_CONSUMER_GROUP'),
    predictorInputTopic: required('PREDICTOR_INPUT_TOPIC'),
    predictorInputPartitions: Number(required('PREDICTOR_INPUT_PARTITIONS')),
  };
}
