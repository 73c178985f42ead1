/** One key's ring: `items` fills up to the capacity, then `next` is both the oldest slot and the next to write. */
interface Ring<T> {
  readonly items: T[];
  next: number;
}

/** The most recent `capacity` items per key, oldest first; older ones fall off. A push is O(1). */
export class SignalRing<T> {
  private readonly rings = new Map<string, Ring<T>>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  push(key: string, item: T): void {
    let ring = this.rings.get(key);
    if (ring === undefined) {
      ring = { items: [], next: 0 };
      this.rings.set(key, ring);
    }
    if (ring.items.length < this.capacity) {
      ring.items.push(item);
      return;
    }
    ring.items[ring.next] = item;
    ring.next = (ring.next + 1) % this.capacity;
  }

  recent(key: string): readonly T[] {
    const ring = this.rings.get(key);
    if (ring === undefined) return [];
    return [...ring.items.slice(ring.next), ...ring.items.slice(0, ring.next)];
  }

  keys(): readonly string[] {
    return [...this.rings.keys()].sort();
  }
}
