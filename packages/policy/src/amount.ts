// Exact arithmetic for amounts and prices. Amounts are native units (wei, satoshi…) as BigInt;
// prices and USD thresholds are decimal strings. Nothing here ever touches a float.
import { PolicyError } from './errors.ts';

/** A non-negative integer written in decimal, e.g. "1000000000000000000". */
export const NATIVE_AMOUNT = /^(0|[1-9][0-9]{0,77})$/;
/** A non-negative decimal with at most 18 fractional digits, e.g. "2999.95". */
export const DECIMAL = /^(0|[1-9][0-9]{0,30})(\.[0-9]{1,18})?$/;
/** USD thresholds: at most 6 fractional digits (micro-dollars). */
export const USD_DECIMAL = /^(0|[1-9][0-9]{0,30})(\.[0-9]{1,6})?$/;

/** One micro-dollar is 10^-6 USD: the unit of every USD value the evaluator computes. */
export const MICROS_PER_USD = 1_000_000n;

export function parseNativeAmount(text: string): bigint {
  if (!NATIVE_AMOUNT.test(text)) throw new PolicyError('INVALID_REQUEST', `not a native amount: "${text}"`);
  return BigInt(text);
}

/** Parses a decimal string into an integer scaled by 10^scale; rejects more fractional digits. */
export function parseScaledDecimal(text: string, scale: number): bigint {
  if (!DECIMAL.test(text)) throw new PolicyError('INVALID_REQUEST', `not a decimal: "${text}"`);
  const [whole, frac = ''] = text.split('.');
  if (frac.length > scale) {
    throw new PolicyError('INVALID_REQUEST', `"${text}" has more than ${scale} fractional digits`);
  }
  return BigInt(whole!) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, '0') || '0');
}

/** USD thresholds → micro-dollars. */
export function parseUsdMicros(text: string): bigint {
  return parseScaledDecimal(text, 6);
}

/** A price in USD per whole token → atto-dollars (10^-18 USD) per whole token. */
export function parsePriceAtto(text: string): bigint {
  return parseScaledDecimal(text, 18);
}

/**
 * USD value of `amount` native units of a token with `decimals` decimals at `priceAtto`,
 * in micro-dollars, rounded down: floor(amount × price / 10^decimals).
 */
export function usdMicrosOf(amount: bigint, decimals: number, priceAtto: bigint): bigint {
  return (amount * priceAtto) / pow10(decimals + 12);
}

const POW10: bigint[] = [];

/** 10^n as a BigInt, memoized (n is small: decimals + 12). */
export function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) POW10[n] = p = 10n ** BigInt(n);
  return p;
}

/** Micro-dollars → "1234.56" style text for explanations (trailing zeros trimmed). */
export function formatUsdMicros(micros: bigint): string {
  const whole = micros / MICROS_PER_USD;
  const frac = (micros % MICROS_PER_USD).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}
