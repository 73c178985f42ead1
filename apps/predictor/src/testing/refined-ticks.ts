import { createHash } from 'node:crypto';
import { type RefinedTick, toModelWindow } from '@lakehouse/bus';

const BASE_US = 1_704_207_600_000_000n;
const SECOND_US = 1_000_000n;

/** A 64-hex event id derived from a label, for tests. */
export function testEventId(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** A deterministic window of `steps × features` values (n picks the values). */
export function testWindow(n: number, steps: number, features: number): number[][] {
  return Array.from({ length: steps }, (_, t) =>
    Array.from({ length: features }, (_, f) => Math.sin(n * 7.1 + t * 1.3 + f * 0.7)),
  );
}

/** A refined tick with a window of the given shape (null steps = no window yet). */
export function refinedTick(
  n: number,
  options: {
    readonly symbol?: string;
    readonly steps: number | null;
    readonly features: number;
    readonly featureVersion: string;
    readonly sequence?: number[][];
  },
): RefinedTick {
  const symbol = options.symbol ?? 'SPX';
  return {
    eventId: testEventId(`${symbol}-${n}`),
    symbol,
    eventTimeUs: BASE_US + BigInt(n) * SECOND_US,
    price: 100 + n,
    volume: 10 + n,
    tradeId: null,
    silverVersion: 7n,
    featureVersion: options.featureVersion,
    window:
      options.steps === null
        ? null
        : toModelWindow(options.sequence ?? testWindow(n, options.steps, options.features)),
  };
}
