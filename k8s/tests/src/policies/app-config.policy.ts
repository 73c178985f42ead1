import { asArray, at, containersOf, describe, podTemplate, type K8sObject } from '../k8s-object';
import { containerEnv } from '../container-env';
import type { AppConfigModule } from '../app-config.reader';
import type { Violation } from './violation';

/**
 * Each service's Deployment gives it an environment its own config schema accepts (what it validates at boot), and
 * the port it will listen on (HTTP_PORT, or the app's default) is the container's `http` port.
 */
export function checkAppConfigs(
  objects: readonly K8sObject[],
  apps: readonly AppConfigModule[],
): Violation[] {
  const violations: Violation[] = [];
  for (const app of apps) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app.app);
    if (deployment === undefined) {
      violations.push({
        code: 'APP_CONFIG_INVALID',
        object: `Deployment/${app.app}`,
        message: 'not rendered',
      });
      continue;
    }
    const name = describe(deployment);
    const parsed = app.schema.safeParse(containerEnv(objects, deployment));
    if (!parsed.success) {
      const issues = (parsed.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      violations.push({
        code: 'APP_CONFIG_INVALID',
        object: name,
        message: `its env fails ${app.app}'s schema: ${issues}`,
      });
      continue;
    }
    const port = parsed.data?.['HTTP_PORT'] ?? app.defaultPort;
    const declared = containersOf(podTemplate(deployment) ?? {})
      .flatMap((c) => asArray(c['ports']))
      .find((p) => at(p, 'name') === 'http');
    if (at(declared, 'containerPort') !== port) {
      violations.push({
        code: 'APP_PORT_MISMATCH',
        object: name,
        message: `${app.app} listens on ${JSON.stringify(port)}, the container's http port is ${String(at(declared, 'containerPort'))}`,
      });
    }
  }
  return violations;
}

/** What the parsed config of one app says, for cross-checks (consumer group, topic partitions). */
export function parsedAppConfig(
  objects: readonly K8sObject[],
  app: AppConfigModule,
): Record<string, unknown> {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app.app);
  if (deployment === undefined) throw new Error(`no Deployment/${app.app}`);
  const parsed = app.schema.safeParse(containerEnv(objects, deployment));
  if (!parsed.success || parsed.data === undefined) throw new Error(`${app.app}'s env fails its schema`);
  return parsed.data;
}
