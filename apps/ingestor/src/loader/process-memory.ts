import { setFlagsFromString } from 'node:v8';

/**
 * Memory settings of an `ingestor load` process. The load command imports this module before anything that loads
 * the Delta binding, because the binding's allocator reads its options when it starts. Settings already given (in
 * the environment, or as node flags) win.
 *
 * - mimalloc, the binding's allocator, commits whole arenas up front, and after a Delta checkpoint kept ~180 MB
 *   resident for good: arenas are committed as used. Freed pages go back to the OS after 250 ms rather than 10 ms:
 *   the next commit, a few hundred ms later, reuses them instead of faulting them in again (on the 1 GB bench,
 *   returning them at once cost ~25% more CPU for ~135 MB less peak RSS; set MIMALLOC_PURGE_DELAY=0 to prefer that).
 * - V8 doubles the young generation up to 2 × 64 MB under the loader's allocation rate, although almost nothing the
 *   loader allocates outlives a commit (its data lives in typed arrays): the young generation keeps its initial size.
 */
export const LOADER_ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MIMALLOC_PURGE_DELAY: '250',
  MIMALLOC_ARENA_EAGER_COMMIT: '0',
};
const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor';

export function applyLoaderMemorySettings(env: NodeJS.ProcessEnv, execArgv: readonly string[]): void {
  for (const [name, value] of Object.entries(LOADER_ALLOCATOR_ENV)) env[name] ??= value;
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
    /^--(max-semi-space-size|semi-space-growth-factor)/.test(a.replaceAll('_', '-')),
  );
  if (!given) setFlagsFromString(`${YOUNG_GENERATION_FLAG}=1`);
}

applyLoaderMemorySettings(process.env, process.execArgv);
