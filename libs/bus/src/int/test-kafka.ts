import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';

/** Integration specs take their broker from `@lakehouse/testing`'s harness. */
export type TestKafka = KafkaHandle;

export function acquireTestKafka(): Promise<TestKafka> {
  return acquireKafka();
}

/** Polls until `check` returns true, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
