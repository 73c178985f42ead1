const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * False for a string holding an unpaired UTF-16 surrogate: JSON can spell one (`"\ud800"`), but UTF-8 cannot
 * encode it (Parquet columns would refuse it; TextEncoder would silently turn it into U+FFFD).
 */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
