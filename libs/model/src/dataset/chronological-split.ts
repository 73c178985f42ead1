import { ModelError } from '../errors/model-error';

export interface SplitFractions {
  /** Share of the event-time span's samples before the validation cut. */
  readonly train: number;
  readonly validation: number;
}

export const DEFAULT_SPLIT_FRACTIONS: SplitFractions = { train: 0.7, validation: 0.15 };

/** Row indexes of each split, each in event-time order, and the cut times. */
export interface ChronologicalSplit {
  readonly validationFromUs: bigint;
  readonly testFromUs: bigint;
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
  /** Rows dropped because their label's horizon crosses a cut: the gap between splits. */
  readonly purged: number;
}

function byTime(times: BigInt64Array) {
  return (a: number, b: number): number => (times[a]! < times[b]! ? -1 : times[a]! > times[b]! ? 1 : a - b);
}

/**
 * Splits by event time across all symbols, never shuffling across time: train, then validation, then test. A row
 * belongs to a split only if its whole label horizon lies inside it — a train row whose outcome is realized after
 * the validation cut is purged — so between two splits there is a gap of at least the label horizon and no label
 * of an earlier split is computed from prices of a later one.
 *
 * @throws ModelError `INVALID_ARGUMENT` for fractions that leave no room for a test split
 */
export function chronologicalSplit(
  eventTimeUs: BigInt64Array,
  horizonEndUs: BigInt64Array,
  fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS,
): ChronologicalSplit {
  const { train, validation } = fractions;
  if (!(train > 0 && validation > 0 && train + validation < 1)) {
    throw new ModelError('INVALID_ARGUMENT', 'split fractions must be > 0 and leave room for a test split');
  }
  const order = Array.from({ length: eventTimeUs.length }, (_, i) => i).sort(byTime(eventTimeUs));
  if (order.length === 0) {
    return {
      validationFromUs: 0n,
      testFromUs: 0n,
      train: new Int32Array(0),
      validation: new Int32Array(0),
      test: new Int32Array(0),
      purged: 0,
    };
  }
  const cutAt = (share: number): bigint => eventTimeUs[order[Math.floor(order.length * share)]!]!;
  const validationFromUs = cutAt(train);
  const testFromUs = cutAt(train + validation);
  const splits: [number[], number[], number[]] = [[], [], []];
  let purged = 0;
  for (const i of order) {
    const start = eventTimeUs[i]!;
    const end = horizonEndUs[i]!;
    if (end < validationFromUs) splits[0].push(i);
    else if (start >= validationFromUs && end < testFromUs) splits[1].push(i);
    else if (start >= testFromUs) splits[2].push(i);
    else purged += 1;
  }
  return {
    validationFromUs,
    testFromUs,
    train: Int32Array.from(splits[0]),
    validation: Int32Array.from(splits[1]),
    test: Int32Array.from(splits[2]),
    purged,
  };
}
