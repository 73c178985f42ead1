import { describe, podTemplate, type K8sObject } from '../k8s-object';
import { containerEnvEntries } from '../container-env';
import type { AppConfigModule } from '../app-config.reader';
import type { Violation } from './violation';

/** Credentials that no app schema declares (delta-rs reads them from the environment) but that are secret all the same. */
export const CREDENTIAL_KEYS = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'MINIO_ROOT_PASSWORD'] as const;

/**
 * A sensitive key — one an app's schema marks `sensitive()` (the publisher's PUBLISHER_AUTH_SECRET, Kafka's SASL
 * password) or a storage credential — reaches a container only from a Secret (`secretKeyRef` or a `secretRef`
 * envFrom), never as a literal or from a ConfigMap, where it would sit in plain text in the manifests and in
 * `kubectl describe`.
 */
export function checkSecretEnv(objects: readonly K8sObject[], apps: readonly AppConfigModule[]): Violation[] {
  const violations: Violation[] = [];
  for (const workload of objects) {
    if (podTemplate(workload) === undefined) continue;
    const app = apps.find((a) => workload.kind === 'Deployment' && a.app === workload.metadata.name);
    const sensitive = new Set<string>([...CREDENTIAL_KEYS, ...(app?.sensitiveKeys ?? [])]);
    for (const [key, entry] of containerEnvEntries(objects, workload)) {
      if (!sensitive.has(key) || entry.source === 'secret') continue;
      violations.push({
        code: 'SECRET_NOT_FROM_SECRET',
        object: describe(workload),
        message: `${key} is sensitive but comes from a ${entry.source === 'configMap' ? 'ConfigMap' : entry.source} value, not a Secret`,
      });
    }
  }
  return violations;
}
