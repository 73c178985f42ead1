/** Items grouped by key, in the order keys first appear; each group keeps the items' order. */
export function groupedBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * Consecutive slices of `items`, in order, of at most `max` items each, also cut before an item that does not
 * `belongs` to the slice begun by `first` (a field the slice states once differs).
 */
export function* runsOf<T>(
  items: readonly T[],
  max: number,
  belongs: (first: T, next: T) => boolean,
): Generator<T[]> {
  let start = 0;
  for (let i = 1; i <= items.length; i++) {
    if (i < items.length && i - start < max && belongs(items[start]!, items[i]!)) continue;
    yield items.slice(start, i);
    start = i;
  }
}
