/**
 * The one decimal spelling of a finite double used wherever a number is hashed: the shortest string that
 * round-trips to the same double (ECMAScript Number::toString), rewritten without an exponent. So `1e21` →
 * `1000000000000000000000`, `1.5e-7` → `0.00000015`, `-0` → `0`, `2.50` (the double 2.5) → `2.5`, `100` → `100`.
 * Python's `repr(float)` and Rust's `{}` pick the same digits, which keeps the encoding portable.
 *
 * @throws RangeError for NaN and ±Infinity, which have no decimal spelling (Bronze never lets them through)
 */
export function canonicalDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`no canonical decimal for ${value}`);
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const shortest = Math.abs(value).toString();
  const exponentAt = shortest.indexOf('e');
  if (exponentAt === -1) return sign + shortest;

  const mantissa = shortest.slice(0, exponentAt);
  const exponent = Number(shortest.slice(exponentAt + 1));
  const digits = mantissa.replace('.', '');
  // Position of the decimal point within `digits` once the exponent is applied (mantissa has one leading digit).
  const point = 1 + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
