import { asArray, asRecord, at, containersOf, describe, podTemplate, type K8sObject } from '../k8s-object';
import { selects } from './workload.policy';
import type { Violation } from './violation';

/**
 * Every Service selects at least one workload, and each of its ports' targetPort (a name, a number, or by default
 * the port itself) is a port that every selected pod template declares. ServiceMonitor endpoints name a port of a
 * Service they select.
 */
export function checkServicePorts(objects: readonly K8sObject[]): Violation[] {
  const templates = objects.flatMap((o) => {
    const template = podTemplate(o);
    return template === undefined ? [] : [{ object: o, template }];
  });
  const services = objects.filter((o) => o.kind === 'Service');
  const violations: Violation[] = [];

  for (const service of services) {
    const name = describe(service);
    const selector = at(service, 'spec', 'selector');
    const selected = templates.filter(({ template }) =>
      selects(selector, asRecord(at(template, 'metadata', 'labels'))),
    );
    if (selected.length === 0) {
      violations.push({
        code: 'SERVICE_WITHOUT_PODS',
        object: name,
        message: 'its selector matches no pod template',
      });
      continue;
    }
    for (const port of asArray(at(service, 'spec', 'ports'))) {
      const target = at(port, 'targetPort') ?? at(port, 'port');
      for (const { object, template } of selected) {
        const declared = containersOf(template).flatMap((c) => asArray(c['ports']));
        const found = declared.some((p) =>
          typeof target === 'string' ? at(p, 'name') === target : at(p, 'containerPort') === target,
        );
        if (!found) {
          violations.push({
            code: 'SERVICE_PORT_MISMATCH',
            object: name,
            message: `port ${String(at(port, 'name') ?? at(port, 'port'))} targets ${String(target)}, which ${describe(object)} does not declare`,
          });
        }
      }
    }
  }

  for (const monitor of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const matched = services.filter((s) =>
      selects(at(monitor, 'spec', 'selector', 'matchLabels'), asRecord(s.metadata.labels)),
    );
    if (matched.length === 0) {
      violations.push({
        code: 'SERVICE_WITHOUT_PODS',
        object: describe(monitor),
        message: 'selects no Service',
      });
    }
    for (const endpoint of asArray(at(monitor, 'spec', 'endpoints'))) {
      const portName = at(endpoint, 'port');
      for (const service of matched) {
        if (!asArray(at(service, 'spec', 'ports')).some((p) => at(p, 'name') === portName)) {
          violations.push({
            code: 'SERVICE_PORT_MISMATCH',
            object: describe(monitor),
            message: `endpoint port ${String(portName)} is not a port of ${describe(service)}`,
          });
        }
      }
    }
  }
  return violations;
}
