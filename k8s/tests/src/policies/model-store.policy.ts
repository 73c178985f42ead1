import { posix } from 'node:path';
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
import { containerEnv } from '../container-env';
import type { EnvSchema } from '../app-config.reader';
import type { Violation } from './violation';

const STORE_KEY = 'MODEL_STORE_DIR';
const PREDICTOR = 'predictor';
/** How a workload runs the predictor's commands (train, promote, models) in the image. */
const PREDICTOR_CLI = '/apps/predictor/dist/cli.js';

interface StoreLocation {
  /** The claim the directory lives on, or why it lives on none. */
  readonly claim?: string;
  readonly problem?: string;
  /** The directory inside the claim (the mount's subPath joined with the rest of the path). */
  readonly pathInClaim: string;
  readonly writable: boolean;
}

/** Where MODEL_STORE_DIR of a workload's first container really is: which volume, which claim. */
function locate(template: Json, dir: string): StoreLocation {
  const container = asRecord(asArray(at(template, 'spec', 'containers'))[0]);
  const mounts = asArray(container['volumeMounts']).filter(
    (m) =>
      typeof at(m, 'mountPath') === 'string' &&
      (dir === at(m, 'mountPath') || dir.startsWith(`${String(at(m, 'mountPath')).replace(/\/+$/, '')}/`)),
  );
  const mount = mounts.sort(
    (a, b) => String(at(b, 'mountPath')).length - String(at(a, 'mountPath')).length,
  )[0];
  if (mount === undefined)
    return { problem: `${dir} is on the container's root filesystem`, pathInClaim: dir, writable: false };
  const volume = asArray(at(template, 'spec', 'volumes')).find((v) => at(v, 'name') === at(mount, 'name'));
  const type = Object.keys(asRecord(volume)).find((k) => k !== 'name') ?? 'missing';
  const subPath = at(mount, 'subPath');
  const pathInClaim = posix.join(
    '/',
    typeof subPath === 'string' ? subPath : '',
    posix.relative(String(at(mount, 'mountPath')), dir),
  );
  const writable = at(mount, 'readOnly') !== true;
  const claim = at(volume, 'persistentVolumeClaim', 'claimName');
  if (typeof claim !== 'string')
    return {
      problem: `${dir} is on a ${type} volume: what one pod writes there no other pod sees`,
      pathInClaim,
      writable,
    };
  return { claim, pathInClaim, writable };
}

function runsPredictorCli(template: Json): boolean {
  return containersOf(template).some((c) =>
    [...asArray(c['command']), ...asArray(c['args'])].some(
      (part) => typeof part === 'string' && part.includes(PREDICTOR_CLI),
    ),
  );
}

/**
 * The predictor's model registry is a local directory (libs/model FilesystemModelStore). Every predictor pod and
 * every Job that trains or promotes must therefore see the SAME directory: MODEL_STORE_DIR on one
 * PersistentVolumeClaim, at the same place inside it, and at least one of them able to write it. The Jobs' env must
 * pass the `predictor` commands' own schema (apps/predictor/src/cli/cli-env.ts).
 */
export function checkModelStore(objects: readonly K8sObject[], cliSchema: EnvSchema): Violation[] {
  const violations: Violation[] = [];
  const users: { workload: K8sObject; location: StoreLocation }[] = [];
  for (const workload of objects) {
    const template = podTemplate(workload);
    if (template === undefined) continue;
    const env = containerEnv(objects, workload);
    const name = describe(workload);
    const add = (message: string): void => {
      violations.push({ code: 'MODEL_STORE_MISMATCH', object: name, message });
    };
    if (runsPredictorCli(template)) {
      const parsed = cliSchema.safeParse(env);
      if (!parsed.success) {
        const issues = (parsed.error?.issues ?? [])
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ');
        violations.push({
          code: 'APP_CONFIG_INVALID',
          object: name,
          message: `its env fails the predictor commands' schema: ${issues}`,
        });
      }
    }
    const dir = env[STORE_KEY];
    if (dir === undefined) continue;
    const location = locate(template, dir);
    if (location.problem !== undefined) add(location.problem);
    else if (!objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === location.claim))
      add(`claim ${String(location.claim)} is not rendered`);
    users.push({ workload, location });
  }
  const predictor = users.find(
    (u) => u.workload.kind === 'Deployment' && u.workload.metadata.name === PREDICTOR,
  );
  if (predictor === undefined) return violations;
  const reference = predictor.location;
  for (const { workload, location } of users) {
    if (workload === predictor.workload || location.claim === undefined || reference.claim === undefined)
      continue;
    if (location.claim !== reference.claim || location.pathInClaim !== reference.pathInClaim) {
      violations.push({
        code: 'MODEL_STORE_MISMATCH',
        object: describe(workload),
        message: `its model store is ${location.claim}:${location.pathInClaim}, the predictor's ${reference.claim}:${reference.pathInClaim}`,
      });
    }
  }
  if (!users.some((u) => u.location.writable && u.location.claim !== undefined)) {
    violations.push({
      code: 'MODEL_STORE_MISMATCH',
      object: describe(predictor.workload),
      message: 'no workload mounts the model store writable: nothing can train or promote a model',
    });
  }
  return violations;
}
