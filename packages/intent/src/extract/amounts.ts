// Decimal formatting of raw token amounts and USD values with bigint arithmetic only (no floats:
// an approver must see exactly the amount that moves).

/** raw / 10^decimals as a decimal string, trailing zeros trimmed: (-1500000n, 6) → "-1.5". */
export function formatUnits(raw: bigint, decimals: number): string {
  const negative = raw < 0n;
  const abs = negative ? -raw : raw;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let frac = decimals > 0 ? (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  if (frac.length > 0) frac = `.${frac}`;
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/** Parses a non-negative decimal string into (integer, scale): "1.25" → (125n, 2). */
function parseDecimal(s: string): { int: bigint; scale: number } | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { int: BigInt(m[1]! + frac), scale: frac.length };
}

/** USD value of |raw| units at `price` USD per whole token, rounded down to cents: "1234.56". */
export function usdValue(raw: bigint, decimals: number, price: string): string | undefined {
  const p = parseDecimal(price);
  if (!p) return undefined;
  const abs = raw < 0n ? -raw : raw;
  // cents = abs * price * 100 / 10^decimals
  const cents = (abs * p.int * 100n) / (10n ** BigInt(decimals) * 10n ** BigInt(p.scale));
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
