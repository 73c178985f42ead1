// Per-symbol sequence bookkeeping for the live feed: drops duplicates, finds holes, notices a restarted publisher.
// Pure (no DOM, no socket): the browser test also runs it in Node.

const REMEMBERED_EVENTS = 20_000;

export class SeqTracker {
  constructor(remembered = REMEMBERED_EVENTS) {
    this.lastSeq = new Map();
    this.seen = new Set();
    this.remembered = remembered;
  }

  /**
   * Classifies one `prediction`/`outcome` event:
   * - `{ verdict: 'duplicate' }`: already delivered (replay or recovery overlap): drop it;
   * - `{ verdict: 'next' }`: deliver it;
   * - `{ verdict: 'gap', gap: { symbol, fromSeq, toSeq } }`: deliver it, and fetch the hole from Gold;
   * - `{ verdict: 'restart' }`: a new, unseen event numbered at or below what we had: the publisher restarted and
   *   numbers from scratch. Deliver it; what happened in between comes from Gold.
   * Anything without a symbol, an integer seq and an event id is `invalid`.
   */
  accept(kind, event) {
    if (
      !event ||
      typeof event.symbol !== 'string' ||
      !Number.isInteger(event.seq) ||
      typeof event.eventId !== 'string'
    ) {
      return { verdict: 'invalid' };
    }
    const key = `${kind}:${event.eventId}`;
    if (this.seen.has(key)) return { verdict: 'duplicate' };
    this.remember(key);
    const previous = this.lastSeq.get(event.symbol);
    this.lastSeq.set(event.symbol, event.seq);
    if (previous === undefined || event.seq === previous + 1) return { verdict: 'next' };
    if (event.seq <= previous) return { verdict: 'restart' };
    return { verdict: 'gap', gap: { symbol: event.symbol, fromSeq: previous + 1, toSeq: event.seq - 1 } };
  }

  /** `since` for a re-subscription. */
  since() {
    return Object.fromEntries(this.lastSeq);
  }

  reset() {
    this.lastSeq.clear();
  }

  remember(key) {
    this.seen.add(key);
    if (this.seen.size > this.remembered) this.seen.delete(this.seen.values().next().value);
  }
}
