// Conditions `amount` (native units, BigInt) and `amountUsd` (micro-dollars via the price
// snapshot; a missing or stale price makes the rule fail closed) (§4.7, §4.8).
import { formatUsdMicros, parseUsdMicros } from '../amount.ts';
import type { Conditions } from '../document.ts';
import { valueInUsd } from '../pricing.ts';
import type { CompileContext, CompiledCondition, EvalFacts } from './condition.ts';

export interface Bounds {
  gt?: bigint;
  gte?: bigint;
  lt?: bigint;
  lte?: bigint;
}

export function parseBounds(
  b: { gt?: string; gte?: string; lt?: string; lte?: string },
  parse: (s: string) => bigint,
): Bounds {
  const out: Bounds = {};
  if (b.gt !== undefined) out.gt = parse(b.gt);
  if (b.gte !== undefined) out.gte = parse(b.gte);
  if (b.lt !== undefined) out.lt = parse(b.lt);
  if (b.lte !== undefined) out.lte = parse(b.lte);
  return out;
}

export function inBounds(x: bigint, b: Bounds): boolean {
  return (
    (b.gt === undefined || x > b.gt) &&
    (b.gte === undefined || x >= b.gte) &&
    (b.lt === undefined || x < b.lt) &&
    (b.lte === undefined || x <= b.lte)
  );
}

export function describeBounds(b: Bounds, fmt: (x: bigint) => string): string {
  const parts: string[] = [];
  if (b.gt !== undefined) parts.push(`> ${fmt(b.gt)}`);
  if (b.gte !== undefined) parts.push(`>= ${fmt(b.gte)}`);
  if (b.lt !== undefined) parts.push(`< ${fmt(b.lt)}`);
  if (b.lte !== undefined) parts.push(`<= ${fmt(b.lte)}`);
  return parts.join(' and ');
}

export function compileAmount(c: NonNullable<Conditions['amount']>): CompiledCondition {
  const b = parseBounds(c, BigInt);
  return {
    kind: 'amount',
    test: (f) => inBounds(f.request.amount, b),
    describe: (f) => `amount ${f.request.amount} (native units) is ${describeBounds(b, String)}`,
  };
}

export function usdOf(f: EvalFacts, ctx: CompileContext) {
  f.usd ??= valueInUsd(f.request, f.prices, ctx.policy.pricing.maxAgeSeconds, f.now);
  return f.usd;
}

export function compileAmountUsd(
  c: NonNullable<Conditions['amountUsd']>,
  ctx: CompileContext,
): CompiledCondition {
  const b = parseBounds(c, parseUsdMicros);
  return {
    kind: 'amountUsd',
    test(f) {
      const v = usdOf(f, ctx);
      return v.ok ? inBounds(v.usdMicros, b) : { unavailable: v.reason };
    },
    describe(f) {
      const v = usdOf(f, ctx);
      return `value ${v.ok ? formatUsdMicros(v.usdMicros) : '?'} USD is ${describeBounds(b, formatUsdMicros)}`;
    },
  };
}
