import { SilverTick, createMulberry32 } from '@lakehouse/domain';

export interface SyntheticTickOptions {
  readonly symbol: string;
  readonly count: number;
  readonly seed: number;
  readonly startUs?: bigint;
  readonly spacingUs?: bigint;
  /** Chance per tick of a jump (a move of about ten normal ticks). */
  readonly jumpProbability?: number;
}

const DEFAULT_START_US = 1_700_000_000_000_000n;
const DEFAULT_SPACING_US = 1_000_000n;
const TICK_VOLATILITY = 0.001;
const JUMP_SIZE = 0.01;

/**
 * A seeded random walk with occasional jumps, already in Silver form: for tests that need realistic-looking series
 * (labels of both classes, features that vary) without a lake. Volume rises before a jump, so there is some signal.
 */
export function syntheticSilverTicks(options: SyntheticTickOptions): SilverTick[] {
  const random = createMulberry32(options.seed);
  const start = options.startUs ?? DEFAULT_START_US;
  const spacing = options.spacingUs ?? DEFAULT_SPACING_US;
  const jumpProbability = options.jumpProbability ?? 0.03;
  const ticks: SilverTick[] = [];
  let price = 100;
  let jumpIn = -1;
  for (let i = 0; i < options.count; i += 1) {
    if (jumpIn < 0 && random() < jumpProbability) jumpIn = 3;
    const jumping = jumpIn === 0;
    const move =
      (random() - 0.5) * 2 * TICK_VOLATILITY + (jumping ? (random() < 0.5 ? -1 : 1) * JUMP_SIZE : 0);
    price *= Math.exp(move);
    const volume = Math.round(1000 * (1 + random()) * (jumpIn > 0 ? 3 : 1));
    jumpIn = jumpIn >= 0 ? jumpIn - 1 : -1;
    ticks.push({
      eventId: `${options.symbol}-${i}`,
      symbol: options.symbol,
      eventTimeUs: start + BigInt(i) * spacing,
      price,
      volume,
    });
  }
  return ticks;
}
