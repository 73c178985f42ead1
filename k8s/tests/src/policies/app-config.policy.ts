import { asArray, at, containersOf, describe, podTemplate, type K8sObject } from '../k8s-object';
import { containerEnv } from '../container-env';
import type { AppConfigModule } from '../app-config.reader';
import type { Violation } from './violation';

/**
 * Each service's Deployment sets every key its config schema requires and gives it an environment the schema
 * accepts (what it validates at boot, cross-key rules included), and the port it will listen on (HTTP_PORT, or the
 * app's default) is the container's `http` port.
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
    const env = containerEnv(objects, deployment);
    const unset = app.requiredKeys.filter((key) => env[key] === undefined);
    if (unset.length > 0) {
      violations.push({
        code: 'APP_CONFIG_INVALID',
        object: name,
        message: `${app.app} requires ${unset.join(', ')}, which its Deployment does not set`,
      });
    }
    const parsed = app.schema.safeParse(env);
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

/** {@link parsedAppConfig}, or undefined when the env fails the schema (which {@link checkAppConfigs} reports). */
export function parsedAppConfigOrUndefined(
  objects: readonly K8sObject[],
  app: AppConfigModule,
): Record<string, unknown> | undefined {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app.app);
  if (deployment === undefined) return undefined;
  const parsed = app.schema.safeParse(containerEnv(objects, deployment));
  return parsed.success ? parsed.data : undefined;
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
