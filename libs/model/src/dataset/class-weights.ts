/** Loss weights that make both classes count as much in total: n / (2 · n_class). Rare jumps get the larger one. */
export interface ClassWeights {
  readonly negative: number;
  readonly positive: number;
}

export function balancedClassWeights(labels: ArrayLike<number>): ClassWeights {
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) positives += labels[i] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return { negative: 1, positive: 1 };
  return { negative: labels.length / (2 * negatives), positive: labels.length / (2 * positives) };
}
