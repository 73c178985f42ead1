import { asArray, at, containersOf, isJson, podTemplate, type K8sObject } from './k8s-object';

/** Stand-ins for values the kubelet fills in (downward API). */
const FIELD_REF_SAMPLES: Readonly<Record<string, string>> = {
  'metadata.name': 'pod-0',
  'metadata.namespace': 'lakehouse',
};

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
 * The environment the first container of a workload will see: envFrom ConfigMaps and Secrets, then env entries
 * (literal values, ConfigMap/Secret keys, downward-API fields), as Kubernetes resolves them. Throws on a reference
 * to an object that is not rendered.
 */
export function containerEnv(objects: readonly K8sObject[], workload: K8sObject): Record<string, string> {
  const find = (kind: string, name: unknown): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found === undefined)
      throw new Error(
        `${workload.kind}/${workload.metadata.name} refers to a missing ${kind} ${String(name)}`,
      );
    return found;
  };
  const container = containersOf(podTemplate(workload) ?? {})[0] ?? {};
  const env: Record<string, string> = {};
  for (const source of asArray(container['envFrom'])) {
    const configMap = at(source, 'configMapRef', 'name');
    const secret = at(source, 'secretRef', 'name');
    Object.assign(
      env,
      dataOf(configMap === undefined ? find('Secret', secret) : find('ConfigMap', configMap)),
    );
  }
  for (const entry of asArray(container['env'])) {
    const name = String(at(entry, 'name'));
    const value = at(entry, 'value');
    const configMapKey = at(entry, 'valueFrom', 'configMapKeyRef');
    const secretKey = at(entry, 'valueFrom', 'secretKeyRef');
    const field = at(entry, 'valueFrom', 'fieldRef', 'fieldPath');
    if (typeof value === 'string') env[name] = value;
    else if (configMapKey !== undefined)
      env[name] = dataOf(find('ConfigMap', at(configMapKey, 'name')))[String(at(configMapKey, 'key'))] ?? '';
    else if (secretKey !== undefined)
      env[name] = dataOf(find('Secret', at(secretKey, 'name')))[String(at(secretKey, 'key'))] ?? '';
    else if (typeof field === 'string') env[name] = FIELD_REF_SAMPLES[field] ?? field;
  }
  return env;
}
