const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};
const DECIMAL: Readonly<Record<string, number>> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

/** A Kubernetes resource quantity (`250m`, `1`, `1.5`, `512Mi`, `2G`) as a number of base units; NaN if malformed. */
export function parseQuantity(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const match = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(text);
  if (match === null) return Number.NaN;
  const [, amount = '', suffix = ''] = match;
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? Number.NaN : Number(amount) * factor;
}
