/**
 * Integration specs take their broker from `@lakehouse/testing`. That package sits above this one in the build
 * graph (its tsconfig references bus), so bus loads it at run time instead of importing it.
 */
export interface TestKafka {
  readonly brokers: string[];
  stop(): Promise<void>;
}

const TESTING_PACKAGE: string = '@lakehouse/testing';

export async function acquireTestKafka(): Promise<TestKafka> {
  const testing = (await import(TESTING_PACKAGE)) as { acquireKafka(): Promise<TestKafka> };
  return testing.acquireKafka();
}

/** Polls until `check` returns true, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
