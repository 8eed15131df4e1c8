/**
 * Go's float formatting, which Odigos uses when it turns agent values into strings: `strconv.FormatFloat(v,
 * 'f', -1, 64)` for attribute values and `fmt`'s `%v` (that is `%g` with the shortest precision) for values
 * parsed from a component's JSON status (docs/odigos.md). Both start from the shortest digits that
 * round-trip, which JavaScript's `toExponential()` also gives.
 */

interface Decimal {
  readonly negative: boolean;
  /** Shortest round-trip digits, no leading zeros (`"0"` for zero). */
  readonly digits: string;
  /** Exponent of the first digit: value = 0.d1d2... × 10^(exponent + 1). */
  readonly exponent: number;
}

function decimalOf(value: number): Decimal {
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  return {
    negative: value < 0 || Object.is(value, -0),
    digits: mantissa.replace('.', ''),
    exponent: Number(exponent),
  };
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

function fixed({ negative, digits, exponent }: Decimal): string {
  const point = exponent + 1;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** `strconv.FormatFloat(value, 'f', -1, 64)`: shortest digits, never an exponent (`1e21` → `1000…0`). */
export function formatGoFloatFixed(value: number): string {
  return special(value) ?? fixed(decimalOf(value));
}

/**
 * `fmt.Sprintf("%v", value)` for a float64: `%e` form when the exponent is below -4 or at least 6 (Go uses
 * precision 6 for this choice when formatting the shortest digits), otherwise fixed (`1e+06`, `123456`,
 * `1e-05`, `0.0001`).
 */
export function formatGoFloatV(value: number): string {
  const text = special(value);
  if (text !== undefined) return text;
  const decimal = decimalOf(value);
  if (decimal.exponent >= -4 && decimal.exponent < 6) return fixed(decimal);
  const { negative, digits, exponent } = decimal;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${negative ? '-' : ''}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}
