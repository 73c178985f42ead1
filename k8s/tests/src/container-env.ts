import { asArray, at, containersOf, isJson, podTemplate, type K8sObject } from './k8s-object';

/** Where a variable's value comes from: the secret policy needs to know (a credential must come from a Secret). */
export type EnvSource = 'literal' | 'configMap' | 'secret' | 'field';

export interface EnvEntry {
  readonly value: string;
  readonly source: EnvSource;
}

export interface EnvOptions {
  /** Stand-in for `metadata.name` (the pod name); the publisher's per-pod group is checked with two of them. */
  readonly podName?: string;
}

const DEFAULT_POD_NAME = 'pod-0';

function dataOf(object: K8sObject | undefined): Record<string, string> {
  if (object === undefined) return {};
  const data: Record<string, string> = {};
  if (isJson(object['data'])) {
    for (const [key, value] of Object.entries(object['data'])) {
      data[key] =
        object.kind === 'Secret' ? Buffer.from(String(value), 'base64').toString('utf8') : String(value);
    }
  }
  if (isJson(object['stringData'])) {
    for (const [key, value] of Object.entries(object['stringData'])) data[key] = String(value);
  }
  return data;
}

/**
 * Kubernetes' dependent-variable expansion of a literal `value`: `$(NAME)` becomes the value of a variable defined
 * before it (envFrom, or an earlier env entry), `$$` a single `$`; a reference to an undefined name stays as is.
 */
export function expandEnvValue(value: string, defined: ReadonlyMap<string, EnvEntry>): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return defined.get(name)?.value ?? match;
  });
}

/**
 * The environment the first container of a workload will see, with each value's source: envFrom ConfigMaps and
 * Secrets, then env entries (literal values with `$(VAR)` expansion, ConfigMap/Secret keys, downward-API fields), as
 * Kubernetes resolves them. Throws on a reference to an object that is not rendered.
 */
export function containerEnvEntries(
  objects: readonly K8sObject[],
  workload: K8sObject,
  options: EnvOptions = {},
): Map<string, EnvEntry> {
  const fieldSamples: Readonly<Record<string, string>> = {
    'metadata.name': options.podName ?? DEFAULT_POD_NAME,
    'metadata.namespace': 'lakehouse',
  };
  const find = (kind: string, name: unknown): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found === undefined)
      throw new Error(
        `${workload.kind}/${workload.metadata.name} refers to a missing ${kind} ${String(name)}`,
      );
    return found;
  };
  const container = containersOf(podTemplate(workload) ?? {})[0] ?? {};
  const env = new Map<string, EnvEntry>();
  for (const source of asArray(container['envFrom'])) {
    const configMap = at(source, 'configMapRef', 'name');
    const secret = at(source, 'secretRef', 'name');
    const [kind, data] =
      configMap === undefined
        ? (['secret', dataOf(find('Secret', secret))] as const)
        : (['configMap', dataOf(find('ConfigMap', configMap))] as const);
    for (const [key, value] of Object.entries(data)) env.set(key, { value, source: kind });
  }
  for (const entry of asArray(container['env'])) {
    const name = String(at(entry, 'name'));
    const value = at(entry, 'value');
    const configMapKey = at(entry, 'valueFrom', 'configMapKeyRef');
    const secretKey = at(entry, 'valueFrom', 'secretKeyRef');
    const field = at(entry, 'valueFrom', 'fieldRef', 'fieldPath');
    if (typeof value === 'string') env.set(name, { value: expandEnvValue(value, env), source: 'literal' });
    else if (configMapKey !== undefined)
      env.set(name, {
        value: dataOf(find('ConfigMap', at(configMapKey, 'name')))[String(at(configMapKey, 'key'))] ?? '',
        source: 'configMap',
      });
    else if (secretKey !== undefined)
      env.set(name, {
        value: dataOf(find('Secret', at(secretKey, 'name')))[String(at(secretKey, 'key'))] ?? '',
        source: 'secret',
      });
    else if (typeof field === 'string')
      env.set(name, { value: fieldSamples[field] ?? field, source: 'field' });
  }
  return env;
}

/** {@link containerEnvEntries} as plain name → value. */
export function containerEnv(
  objects: readonly K8sObject[],
  workload: K8sObject,
  options: EnvOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, entry] of containerEnvEntries(objects, workload, options)) env[name] = entry.value;
  return env;
}
