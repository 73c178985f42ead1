import { setFlagsFromString } from 'node:v8';

/**
 * Memory settings of an `ingestor load` process. The load command imports this module before anything that loads
 * the Delta binding, because the binding's allocator reads its options when it starts. Settings already given (in
 * the environment, or as node flags) win.
 *
 * - mimalloc, the binding's allocator, commits whole arenas up front, and after a Delta checkpoint kept ~180 MB
 *   resident for good: arenas are committed as used. Freed pages go back to the OS at once: each thread of the
 *   binding otherwise keeps what it freed for the purge delay, which on the 1 GB bench (a write holding no copy of
 *   its batch any more) was most of what stood between the load and 300 MB: delay 0 / 50 / 250 ms gave 287 / 318 /
 *   359 MB peak RSS for 23.9 / 21.7 / 20.1 CPU-s (median of 3). Set MIMALLOC_PURGE_DELAY to trade the other way.
 * - V8 doubles the young generation up to 2 × 64 MB under the loader's allocation rate, although almost nothing the
 *   loader allocates outlives a commit (its data lives in typed arrays): the young generation keeps its initial size.
 * - Once batches reuse their arrays, V8 sees almost no new external memory and rarely runs a full collection, so
 *   the old generation grew to ~130 MB of dead per-commit objects; `--optimize-for-size` (smaller heap growth
 *   steps) keeps it at ~35 MB for no measurable CPU on the 200 MB slice of the bench file.
 */
/**
 * glibc's malloc (Node's buffers, among them the file reader's 1 MiB chunks) maps blocks from this size up on their
 * own, so freeing one returns it to the OS: by default glibc raises the threshold to the largest block freed so far
 * and keeps later ones in a heap that those chunks leave fragmented (~27 MB more peak RSS on the 1 GB bench).
 * glibc reads `MALLOC_MMAP_THRESHOLD_` only at start-up, so the load command sets it through the binding unless
 * that variable was given.
 */
export const LOADER_MMAP_THRESHOLD_BYTES = 128 << 10;

export const LOADER_ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MIMALLOC_PURGE_DELAY: '0',
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
