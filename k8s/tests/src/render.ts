import { execFileSync } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8S_DIR } from './repo-paths';
import { loadK8sTools } from './k8s-tools';
import { isK8sObject, type K8sObject } from './k8s-object';

/** Renders a kustomization (a directory under k8s/, or an absolute path) with the pinned kustomize v5. */
export function renderKustomization(dir: string): K8sObject[] {
  const [bin, ...args] = loadK8sTools().render;
  const path = isAbsolute(dir) ? dir : join(K8S_DIR, dir);
  const yaml = execFileSync(bin, [...args, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseManifests(yaml, path);
}

export function parseManifests(yaml: string, source: string): K8sObject[] {
  return parseAllDocuments(yaml).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${index}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null) return [];
    if (!isK8sObject(value)) throw new Error(`${source} document ${index} is not a Kubernetes object`);
    return [value];
  });
}
