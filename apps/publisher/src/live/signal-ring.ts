/** The most recent `capacity` items per key, oldest first; older ones fall off. */
export class SignalRing<T> {
  private readonly rings = new Map<string, T[]>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  push(key: string, item: T): void {
    const ring = this.rings.get(key) ?? [];
    ring.push(item);
    if (ring.length > this.capacity) ring.splice(0, ring.length - this.capacity);
    this.rings.set(key, ring);
  }

  recent(key: string): readonly T[] {
    return [...(this.rings.get(key) ?? [])];
  }

  keys(): readonly string[] {
    return [...this.rings.keys()].sort();
  }
}
