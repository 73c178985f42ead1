/** A source of uniform floats in [0, 1). The domain never owns randomness: callers pass one in, seeded. */
export type SeededRandom = () => number;

const GOLDEN_GAMMA = 0x6d2b79f5;
const TWO_POW_32 = 4_294_967_296;

/**
 * mulberry32 (Tommy Ettinger), a tiny 32-bit PRNG: the same seed gives the same stream on every platform, which
 * makes bootstrap intervals reproducible from the seed recorded beside them. Not for anything secret.
 */
export function createMulberry32(seed: number): SeededRandom {
  let a = seed >>> 0;
  return () => {
    a = (a + GOLDEN_GAMMA) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/** A uniform integer in [0, n). */
export function randomIndex(random: SeededRandom, n: number): number {
  return Math.floor(random() * n);
}
