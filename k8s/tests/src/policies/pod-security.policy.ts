import { asArray, asRecord, at, containersOf, describe, podTemplate, type K8sObject } from '../k8s-object';
import type { Violation } from './violation';

/** Volume types the `restricted` Pod Security Standard admits. */
const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'];

/**
 * The namespace enforces the `restricted` Pod Security Standard (pod-security.kubernetes.io/enforce), so a pod that
 * breaks it is refused at admission, after `kubectl apply` succeeded. The checks here are the standard's rules that
 * the other policies do not already cover: seccomp, capabilities, volume types, host namespaces and ports,
 * privileged containers.
 */
export function checkPodSecurity(objects: readonly K8sObject[]): Violation[] {
  return objects.flatMap((object): Violation[] => {
    const template = podTemplate(object);
    if (template === undefined) return [];
    const spec = asRecord(at(template, 'spec'));
    const messages: string[] = [];
    const podSeccomp = at(spec, 'securityContext', 'seccompProfile', 'type');
    for (const field of HOST_NAMESPACE_FIELDS) if (spec[field] === true) messages.push(`${field} is set`);
    for (const volume of asArray(spec['volumes'])) {
      const type = Object.keys(asRecord(volume)).find((k) => k !== 'name');
      if (type === undefined || !RESTRICTED_VOLUME_TYPES.includes(type)) {
        messages.push(`volume ${String(at(volume, 'name'))} is of type ${String(type)}`);
      }
    }
    for (const container of containersOf(template)) {
      const c = `container ${String(container['name'])}`;
      const security = asRecord(container['securityContext']);
      const seccomp = at(security, 'seccompProfile', 'type') ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        messages.push(`${c} has no seccompProfile`);
      if (security['privileged'] === true) messages.push(`${c} is privileged`);
      const drop = asArray(at(security, 'capabilities', 'drop'));
      if (!drop.includes('ALL')) messages.push(`${c} does not drop ALL capabilities`);
      const added = asArray(at(security, 'capabilities', 'add')).filter((cap) => cap !== 'NET_BIND_SERVICE');
      if (added.length > 0) messages.push(`${c} adds ${added.join(', ')}`);
      if (asArray(container['ports']).some((p) => at(p, 'hostPort') !== undefined))
        messages.push(`${c} uses a hostPort`);
    }
    return messages.map((message) => ({
      code: 'POD_SECURITY_RESTRICTED',
      object: describe(object),
      message,
    }));
  });
}
