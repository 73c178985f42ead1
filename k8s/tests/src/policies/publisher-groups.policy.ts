import { describe, type K8sObject } from '../k8s-object';
import { containerEnv } from '../container-env';
import type { AppConfigModule } from '../app-config.reader';
import type { Violation } from './violation';

const PUBLISHER = 'publisher';
/** Two pods of the same Deployment, as the downward API names them. */
const POD_NAMES = ['publisher-5d8f7c9b6-abcde', 'publisher-5d8f7c9b6-fghij'] as const;

/**
 * The publisher's replica design (apps/publisher/README.md, "Several replicas"): every pod reads the live feed in a
 * consumer group of its own, so each sees every partition and can serve any client — LIVE_GROUP_ID must differ
 * from pod to pod, set explicitly from the pod name (the app's hostname default breaks with `spec.hostname` or
 * host networking); and all Gold writers share ONE group — GOLD_GROUP_ID must be the same in every pod and not a
 * live group. Checked on the config the publisher parses for two pod names.
 */
export function checkPublisherGroups(objects: readonly K8sObject[], publisher: AppConfigModule): Violation[] {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === PUBLISHER);
  if (deployment === undefined) return [];
  const name = describe(deployment);
  const configs = POD_NAMES.map((podName) => {
    const env = containerEnv(objects, deployment, { podName });
    const parsed = publisher.schema.safeParse(env);
    return { env, data: parsed.success ? parsed.data : undefined };
  });
  const [a, b] = configs;
  if (a?.data === undefined || b?.data === undefined) return []; // the app-config rule reports it
  const violations: Violation[] = [];
  if (a.env['LIVE_GROUP_ID'] === undefined || a.data['LIVE_GROUP_ID'] === b.data['LIVE_GROUP_ID']) {
    violations.push({
      code: 'LIVE_GROUP_NOT_PER_POD',
      object: name,
      message: `LIVE_GROUP_ID must be set from the pod name (downward API): two pods get ${JSON.stringify(a.data['LIVE_GROUP_ID'])} and ${JSON.stringify(b.data['LIVE_GROUP_ID'])}`,
    });
  }
  if (
    a.data['GOLD_GROUP_ID'] !== b.data['GOLD_GROUP_ID'] ||
    a.data['GOLD_GROUP_ID'] === a.data['LIVE_GROUP_ID']
  ) {
    violations.push({
      code: 'GOLD_GROUP_NOT_SHARED',
      object: name,
      message: `GOLD_GROUP_ID must be one group for every pod: two pods get ${JSON.stringify(a.data['GOLD_GROUP_ID'])} and ${JSON.stringify(b.data['GOLD_GROUP_ID'])}`,
    });
  }
  return violations;
}
