/**
 * A validated tick as Silver stores it and as features, labels and bars consume it: one market event with its
 * canonical id. Features and labels are computed per symbol, in event-time order.
 */
export interface SilverTick {
  readonly eventId: string;
  readonly symbol: string;
  /** UTC microseconds since the epoch. */
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: number;
}
