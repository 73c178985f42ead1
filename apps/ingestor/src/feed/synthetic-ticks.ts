/**
 * Seeded synthetic ticks for load tests: geometric Brownian motion with Poisson-timed normal jumps (Merton), one path
 * per symbol, round-robin across symbols at a fixed event rate. Deterministic for a given seed and options, so a
 * load test can be replayed exactly. Never used as sample data: that is real prices (data/sample).
 */
export interface SyntheticFeedOptions {
  readonly symbols: readonly string[];
  /** Ticks per second of event time, across all symbols. */
  readonly ratePerSec: number;
  /** Event time of the first tick, epoch milliseconds. */
  readonly startMs: number;
  readonly startPrice: number;
  /** Annualized drift and volatility. */
  readonly drift: number;
  readonly volatility: number;
  /** Expected jumps per symbol per year, and the jump size distribution of log returns. */
  readonly jumpsPerYear: number;
  readonly jumpMean: number;
  readonly jumpStd: number;
}

export interface SyntheticTick {
  readonly symbol: string;
  readonly price: number;
  readonly volume: number;
  /** ISO-8601 in UTC, the live feed's wire format. */
  readonly timestamp: string;
}

export const DEFAULT_SYNTHETIC_FEED: Omit<SyntheticFeedOptions, 'symbols' | 'ratePerSec' | 'startMs'> = {
  startPrice: 100,
  drift: 0.05,
  volatility: 0.4,
  jumpsPerYear: 2000,
  jumpMean: 0,
  jumpStd: 0.01,
};

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;
const PRICE_DECIMALS = 4;
const MEAN_VOLUME = 500;

/** Standard normal variates from uniform ones (Box–Muller); caches the second variate of each pair. */
class Gaussian {
  private spare: number | undefined;
  constructor(private readonly uniform: () => number) {}
  next(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u1 = Math.max(this.uniform(), Number.MIN_VALUE);
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

/**
 * An endless source of ticks. `uniform` is a seeded PRNG in [0, 1): the same seed gives the same feed.
 */
export class SyntheticTickSource {
  private readonly gauss: Gaussian;
  private readonly prices: number[];
  private readonly diffusion: number;
  private readonly driftStep: number;
  private readonly jumpProbability: number;
  private n = 0;

  constructor(
    private readonly options: SyntheticFeedOptions,
    private readonly uniform: () => number,
  ) {
    if (options.symbols.length === 0) throw new RangeError('at least one symbol');
    if (!(options.ratePerSec > 0)) throw new RangeError('ratePerSec must be > 0');
    this.gauss = new Gaussian(uniform);
    this.prices = options.symbols.map(() => options.startPrice);
    // Each symbol ticks every symbols/rate seconds of event time.
    const dtYears = options.symbols.length / options.ratePerSec / SECONDS_PER_YEAR;
    this.diffusion = options.volatility * Math.sqrt(dtYears);
    this.driftStep = (options.drift - (options.volatility * options.volatility) / 2) * dtYears;
    this.jumpProbability = 1 - Math.exp(-options.jumpsPerYear * dtYears);
  }

  next(): SyntheticTick {
    const { options, uniform } = this;
    const n = this.n++;
    const i = n % options.symbols.length;
    const jump =
      uniform() < this.jumpProbability ? options.jumpMean + options.jumpStd * this.gauss.next() : 0;
    const price = this.prices[i]! * Math.exp(this.driftStep + this.diffusion * this.gauss.next() + jump);
    this.prices[i] = price;
    const volume = Math.max(1, Math.round(-MEAN_VOLUME * Math.log(Math.max(uniform(), Number.MIN_VALUE))));
    return {
      symbol: options.symbols[i]!,
      price: Number(price.toFixed(PRICE_DECIMALS)),
      volume,
      timestamp: new Date(options.startMs + (n * 1000) / options.ratePerSec).toISOString(),
    };
  }
}
