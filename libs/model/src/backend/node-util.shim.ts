// The real module object, not an esModuleInterop copy: the shim must patch what tfjs-node's require('util') gets.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import nodeUtil = require('node:util');

/**
 * tfjs-node 4.22 (and tfjs-node-gpu) call `util.isNullOrUndefined` and `util.isArray`. Node 23 removed the first
 * (DEP0044 family) and later majors may remove the second; calling them then throws "is not a function" on the first
 * op. The shim adds only what is missing, with the semantics Node had, and never replaces a function that exists.
 * It must run before the binding is required.
 */
export interface NodeUtilLike {
  [name: string]: unknown;
}

const LEGACY_UTIL_FUNCTIONS: Readonly<Record<string, (value: unknown) => boolean>> = {
  isNullOrUndefined: (value) => value === null || value === undefined,
  isArray: (value) => Array.isArray(value),
};

/** @returns the names it had to add (empty on a Node that still has them all). */
export function installNodeUtilShim(util: NodeUtilLike): string[] {
  const added: string[] = [];
  for (const [name, fn] of Object.entries(LEGACY_UTIL_FUNCTIONS)) {
    if (typeof util[name] === 'function') continue;
    util[name] = fn;
    added.push(name);
  }
  return added;
}

/** Shims the process's own `util` module, the object tfjs-node gets from `require("util")`. */
export function shimNodeUtilForTfjsNode(): string[] {
  return installNodeUtilShim(nodeUtil);
}
