import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<string>();

/** Runs `fn` with `id` (an event or batch id) attached to every log line written inside it. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return storage.run(id, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}
