// Formatting of the protocol's values for display. Event times are UTC microseconds as decimal strings.

const DASH = '—';

/** Milliseconds since the epoch of a decimal-string microsecond timestamp (exact for any realistic date). */
export function usToMs(us) {
  return Number(BigInt(us) / 1000n);
}

/** Whole seconds, the chart's time unit. */
export function usToSeconds(us) {
  return Number(BigInt(us) / 1_000_000n);
}

/** `2024-01-02 14:30:05.123` (UTC). */
export function formatUs(us) {
  if (us === null || us === undefined) return DASH;
  return formatMs(usToMs(us));
}

export function formatMs(ms) {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return DASH;
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function formatNumber(value, digits = 3) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : DASH;
}

export function formatPercent(value, digits = 1) {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

export function formatLabel(label) {
  if (label === 1) return 'jump';
  if (label === 0) return 'no jump';
  return DASH;
}

/** A history entry's timestamp: an ISO string or epoch milliseconds. */
export function timestampToMs(timestamp) {
  if (typeof timestamp === 'number') return timestamp;
  const ms = Date.parse(String(timestamp));
  return Number.isNaN(ms) ? null : ms;
}
