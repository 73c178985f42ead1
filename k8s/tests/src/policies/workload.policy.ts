import {
  asArray,
  asRecord,
  at,
  containersOf,
  describe,
  podTemplate,
  type Json,
  type K8sObject,
} from '../k8s-object';
import { parseQuantity } from '../quantity';
import type { Violation } from './violation';

/** A workload may keep a writable root filesystem only with this annotation saying why (the Kafka image needs it). */
export const WRITABLE_ROOT_ANNOTATION = 'lakehouse.dev/writable-root-filesystem';
const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Probes, resources, non-root, a read-only root filesystem, no privilege escalation, immutable image tags. */
export function checkWorkloads(objects: readonly K8sObject[]): Violation[] {
  return objects.flatMap((object) => {
    const template = podTemplate(object);
    return template === undefined ? [] : checkWorkload(object, template);
  });
}

function checkWorkload(object: K8sObject, template: Json): Violation[] {
  const name = describe(object);
  const violations: Violation[] = [];
  const add = (code: Violation['code'], message: string): void => {
    violations.push({ code, object: name, message });
  };
  const podSecurity = asRecord(at(template, 'spec', 'securityContext'));
  const writableRootAllowed = typeof object.metadata.annotations?.[WRITABLE_ROOT_ANNOTATION] === 'string';

  for (const container of containersOf(template)) {
    const c = `container ${String(container['name'])}`;
    if (LONG_RUNNING.includes(object.kind)) {
      if (!isJsonObject(container['livenessProbe'])) add('MISSING_PROBE', `${c} has no livenessProbe`);
      if (!isJsonObject(container['readinessProbe'])) add('MISSING_PROBE', `${c} has no readinessProbe`);
    }
    const resources = asRecord(container['resources']);
    const missing = [
      ['requests', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'memory'],
    ].filter((path) => at(resources, ...path) === undefined);
    if (missing.length > 0) {
      add(
        'MISSING_RESOURCES',
        `${c} has no resources.${missing.map((p) => p.join('.')).join(', resources.')}`,
      );
    }
    for (const resource of Object.keys(asRecord(resources['limits']))) {
      const request = parseQuantity(at(resources, 'requests', resource));
      const limit = parseQuantity(at(resources, 'limits', resource));
      if (request > limit) add('REQUEST_ABOVE_LIMIT', `${c} requests more ${resource} than its limit`);
    }
    const security = asRecord(container['securityContext']);
    const runAsNonRoot = security['runAsNonRoot'] ?? podSecurity['runAsNonRoot'];
    const runAsUser = security['runAsUser'] ?? podSecurity['runAsUser'];
    if (runAsNonRoot !== true) add('NOT_NON_ROOT', `${c} does not set runAsNonRoot: true`);
    if (runAsUser === 0) add('NOT_NON_ROOT', `${c} runs as uid 0`);
    if (security['allowPrivilegeEscalation'] !== false) {
      add('PRIVILEGE_ESCALATION', `${c} does not set allowPrivilegeEscalation: false`);
    }
    if (security['readOnlyRootFilesystem'] !== true && !writableRootAllowed) {
      add(
        'WRITABLE_ROOT_FILESYSTEM',
        `${c} does not set readOnlyRootFilesystem: true (or ${WRITABLE_ROOT_ANNOTATION})`,
      );
    }
    const image = typeof container['image'] === 'string' ? container['image'] : '';
    if (isMutableImage(image)) add('MUTABLE_IMAGE_TAG', `${c} image "${image}" is untagged or tagged latest`);
  }
  return violations;
}

/** `name`, `name:latest` and `registry:5000/name` (a port, not a tag) are mutable; a digest never is. */
export function isMutableImage(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon === -1) return true;
  const tag = lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest';
}

/** The five pipeline Deployments are scraped by Prometheus: annotations naming a declared container port. */
export function checkScrapeAnnotations(objects: readonly K8sObject[]): Violation[] {
  return objects.flatMap((object): Violation[] => {
    const template = podTemplate(object);
    if (object.kind !== 'Deployment' || template === undefined) return [];
    if (at(template, 'metadata', 'labels', 'app.kubernetes.io/component') !== 'pipeline') return [];
    const annotations = asRecord(at(template, 'metadata', 'annotations'));
    const ports = containersOf(template).flatMap((c) =>
      asArray(c['ports']).map((p) => String(at(p, 'containerPort'))),
    );
    const ok =
      annotations['prometheus.io/scrape'] === 'true' &&
      annotations['prometheus.io/path'] === '/metrics' &&
      ports.includes(String(annotations['prometheus.io/port']));
    return ok
      ? []
      : [
          {
            code: 'MISSING_SCRAPE_ANNOTATIONS',
            object: describe(object),
            message: 'no prometheus.io/* for /metrics',
          },
        ];
  });
}

/** Every Deployment and StatefulSet has a PodDisruptionBudget whose selector matches its pods. */
export function checkDisruptionBudgets(objects: readonly K8sObject[]): Violation[] {
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  return objects.flatMap((object): Violation[] => {
    const template = podTemplate(object);
    if (template === undefined || !['Deployment', 'StatefulSet'].includes(object.kind)) return [];
    const labels = asRecord(at(template, 'metadata', 'labels'));
    const covered = budgets.some((pdb) => selects(at(pdb, 'spec', 'selector', 'matchLabels'), labels));
    return covered
      ? []
      : [{ code: 'MISSING_DISRUPTION_BUDGET', object: describe(object), message: 'no PDB' }];
  });
}

/** A non-empty equality selector that all of `labels` satisfy. */
export function selects(selector: unknown, labels: Json): boolean {
  const entries = Object.entries(asRecord(selector));
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}
