import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'k8s', 'base', 'kustomization.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (k8s/base/kustomization.yaml) above ${from}`);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const K8S_DIR = join(REPO_ROOT, 'k8s');
/** Deliberately bad kustomizations: each breaks exactly one rule on top of the real base. */
export const FIXTURES_DIR = join(K8S_DIR, 'tests', 'fixtures');

/** Every directory a user may apply or compose, relative to k8s/. */
export const OVERLAYS = [
  'overlays/local',
  'overlays/cluster',
  'overlays/cluster-hpa',
  'overlays/gpu',
] as const;
export const BASE = 'base';
