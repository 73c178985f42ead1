import { at, asArray, asRecord, describe, type K8sObject } from '../k8s-object';

/**
 * Custom resources, which the Kubernetes schemas do not cover, checked two ways:
 *  1. against the CRDs' own OpenAPI schemas, compiled into the registry packages @kubernetes-models/keda and
 *     @kubernetes-models/prometheus-operator (types, enums, required fields; unknown fields are allowed there);
 *  2. an explicit list of the fields we may write, so that a typo such as `consumergroup` is an error, not a
 *     silently ignored key.
 */
export const CRD_KINDS = [
  'keda.sh/v1alpha1 ScaledObject',
  'monitoring.coreos.com/v1 ServiceMonitor',
] as const;

interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

async function modelClassFor(object: K8sObject): Promise<ModelClass | undefined> {
  // Both packages are ES modules only: load them with import(), which tsc keeps as a real dynamic import.
  switch (`${object.apiVersion} ${object.kind}`) {
    case 'keda.sh/v1alpha1 ScaledObject':
      return (await import('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject'))
        .ScaledObject as ModelClass;
    case 'monitoring.coreos.com/v1 ServiceMonitor':
      return (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'))
        .ServiceMonitor as ModelClass;
    default:
      return undefined;
  }
}

export function isCustomResource(object: K8sObject): boolean {
  return (CRD_KINDS as readonly string[]).includes(`${object.apiVersion} ${object.kind}`);
}

export async function validateCustomResource(object: K8sObject): Promise<string[]> {
  const Model = await modelClassFor(object);
  if (Model === undefined) return [`no CRD schema for ${object.apiVersion} ${object.kind}`];
  const errors: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push(error instanceof Error ? error.message : String(error));
  }
  return [...errors, ...unknownFields(object)];
}

const METADATA_FIELDS = ['name', 'namespace', 'labels', 'annotations'];

const SCALED_OBJECT_SPEC = [
  'scaleTargetRef',
  'pollingInterval',
  'initialCooldownPeriod',
  'cooldownPeriod',
  'idleReplicaCount',
  'minReplicaCount',
  'maxReplicaCount',
  'advanced',
  'fallback',
  'triggers',
];
const TRIGGER_FIELDS = ['type', 'name', 'metadata', 'authenticationRef', 'metricType', 'useCachedMetrics'];
/** KEDA's Kafka scaler metadata (https://keda.sh/docs/latest/scalers/apache-kafka/). */
const KAFKA_SCALER_METADATA = [
  'bootstrapServers',
  'bootstrapServersFromEnv',
  'consumerGroup',
  'consumerGroupFromEnv',
  'topic',
  'topicFromEnv',
  'partitionLimitation',
  'lagThreshold',
  'activationLagThreshold',
  'offsetResetPolicy',
  'allowIdleConsumers',
  'excludePersistentLag',
  'scaleToZeroOnInvalidOffset',
  'limitToPartitionsWithLag',
  'ensureEvenDistributionOfPartitions',
  'version',
];
const SERVICE_MONITOR_SPEC = [
  'selector',
  'namespaceSelector',
  'endpoints',
  'jobLabel',
  'targetLabels',
  'podTargetLabels',
];
const ENDPOINT_FIELDS = ['port', 'targetPort', 'path', 'scheme', 'interval', 'scrapeTimeout', 'honorLabels'];

function extraKeys(value: unknown, allowed: readonly string[], where: string): string[] {
  return Object.keys(asRecord(value))
    .filter((key) => !allowed.includes(key))
    .map((key) => `${where}: unknown field "${key}"`);
}

function unknownFields(object: K8sObject): string[] {
  const name = describe(object);
  const errors = [
    ...extraKeys(object, ['apiVersion', 'kind', 'metadata', 'spec'], name),
    ...extraKeys(object.metadata, METADATA_FIELDS, `${name} metadata`),
  ];
  if (object.kind === 'ScaledObject') {
    errors.push(...extraKeys(object['spec'], SCALED_OBJECT_SPEC, `${name} spec`));
    asArray(at(object, 'spec', 'triggers')).forEach((trigger, i) => {
      errors.push(...extraKeys(trigger, TRIGGER_FIELDS, `${name} trigger ${i}`));
      if (at(trigger, 'type') === 'kafka') {
        errors.push(
          ...extraKeys(at(trigger, 'metadata'), KAFKA_SCALER_METADATA, `${name} kafka trigger ${i}`),
        );
      }
    });
  } else {
    errors.push(...extraKeys(object['spec'], SERVICE_MONITOR_SPEC, `${name} spec`));
    asArray(at(object, 'spec', 'endpoints')).forEach((endpoint, i) => {
      errors.push(...extraKeys(endpoint, ENDPOINT_FIELDS, `${name} endpoint ${i}`));
    });
  }
  return errors;
}
