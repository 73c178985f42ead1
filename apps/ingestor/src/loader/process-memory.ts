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
 * - Once batches reuse their arrays, V8 sees almost no new external memory and rarely runs a full collection, so
 *   the old generation grew to ~130 MB of dead per-commit objects; `--optimize-for-size` (smaller heap growth
 *   steps) keeps it at ~35 MB for no measurable CPU on the 200 MB slice of the bench file.
 */
export const LOADER_ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MIMALLOC_PURGE_DELAY: '250',
  MIMALLOC_ARENA_EAGER_COMMIT: '0',
};
const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor';
const SMALL_HEAP_FLAG = '--optimize-for-size';

export function applyLoaderMemorySettings(env: NodeJS.ProcessEnv, execArgv: readonly string[]): void {
  for (const [name, value] of Object.entries(LOADER_ALLOCATOR_ENV)) env[name] ??= value;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const given = flags.some((a) =>
    /^--(max-semi-space-size|semi-space-growth-factor)/.test(a.replaceAll('_', '-')),
  );
  if (!given) setFlagsFromString(`${YOUNG_GENERATION_FLAG}=1`);
  if (!flags.some((a) => /^--(no-)?optimize-for-size$/.test(a.replaceAll('_', '-')))) {
    setFlagsFromString(SMALL_HEAP_FLAG);
  }
}

applyLoaderMemorySettings(process.env, process.execArgv);
