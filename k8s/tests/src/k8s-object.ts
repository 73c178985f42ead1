/** A rendered Kubernetes object, as parsed from YAML: only the envelope is typed; read the rest through guards. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export type Json = Record<string, unknown>;

export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isK8sObject(value: unknown): value is K8sObject {
  return (
    isJson(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isJson(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}

/** Follows a path of keys through nested objects; undefined as soon as one step is missing or not an object. */
export function at(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isJson(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Json {
  return isJson(value) ? value : {};
}

export function describe(object: K8sObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

/** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), or undefined for other kinds. */
export function podTemplate(object: K8sObject): Json | undefined {
  if (!(WORKLOAD_KINDS as readonly string[]).includes(object.kind)) return undefined;
  const template =
    object.kind === 'CronJob'
      ? at(object, 'spec', 'jobTemplate', 'spec', 'template')
      : at(object, 'spec', 'template');
  return isJson(template) ? template : undefined;
}

export function containersOf(template: Json): readonly Json[] {
  return [
    ...asArray(at(template, 'spec', 'initContainers')),
    ...asArray(at(template, 'spec', 'containers')),
  ].filter(isJson);
}
