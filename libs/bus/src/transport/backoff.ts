import { RetryBackoff } from '../bus-options';

/** Doubling delay, capped: attempt 1 waits `initialMs`. */
export function backoffDelay(retry: RetryBackoff, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(exponent, 30));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
