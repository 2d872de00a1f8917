// Condition `velocity`: count, native amount or USD sum over a rolling window per vault, per
// initiator or per destination (§4.9). Window: (now - w, now]; the current request counts too
// unless includeCurrent is false. A USD sum over any unpriced entry is unknown: fail closed.
import { formatUsdMicros, parseUsdMicros } from '../amount.ts';
import type { VelocityCondition } from '../document.ts';
import { assetKey, destinationKey, type WindowTotals } from '../ledger.ts';
import { describeBounds, inBounds, parseBounds, usdOf } from './amount.ts';
import type { CompileContext, CompiledCondition, EvalFacts, MatchResult } from './condition.ts';

export function compileVelocity(c: VelocityCondition, ctx: CompileContext): CompiledCondition {
  const bounds = parseBounds(c, c.metric === 'usd' ? parseUsdMicros : BigInt);
  const windowMs = c.windowSeconds * 1000;
  const includeCurrent = c.includeCurrent ?? true;
  const cacheKey = `${c.scope}|${c.metric === 'amount' ? 'asset' : 'all'}|${windowMs}`;

  function totals(f: EvalFacts): WindowTotals | null {
    const r = f.request;
    let key: string;
    if (c.scope === 'vault') key = r.vault.id;
    else if (c.scope === 'initiator') key = r.initiator;
    else if (r.destination) key = destinationKey(r.chain, r.destination.address);
    else return null; // nothing to attribute: the condition does not apply
    let asset: string | undefined;
    if (c.metric === 'amount') {
      if (!r.asset) return null; // no asset moves: a native-amount velocity does not apply
      asset = assetKey(r.chain, r.asset.id);
    }
    let t = f.velocity.get(cacheKey);
    if (t === undefined) {
      t = f.ledger.totals({
        scope: c.scope,
        key,
        asset,
        after: f.now - windowMs,
        upTo: f.now,
        excludeRequestId: r.id,
      });
      f.velocity.set(cacheKey, t);
    }
    return t;
  }

  function value(f: EvalFacts): bigint | { unavailable: string } | null {
    const t = totals(f);
    if (t === null) return null;
    if (c.metric === 'count') return BigInt(t.count + (includeCurrent ? 1 : 0));
    if (c.metric === 'amount') return t.amount + (includeCurrent ? f.request.amount : 0n);
    if (t.unpriced > 0) {
      return {
        unavailable: `${t.unpriced} request(s) in the ${c.scope} ${c.windowSeconds} s window have no USD value`,
      };
    }
    if (!includeCurrent) return t.usdMicros;
    const v = usdOf(f, ctx);
    return v.ok ? t.usdMicros + v.usdMicros : { unavailable: v.reason };
  }

  const fmt = c.metric === 'usd' ? (x: bigint) => `${formatUsdMicros(x)} USD` : String;
  return {
    kind: 'velocity',
    test(f): MatchResult {
      const v = value(f);
      if (v === null) return false;
      if (typeof v === 'object') return v;
      return inBounds(v, bounds);
    },
    describe(f) {
      const v = value(f);
      const shown = typeof v === 'bigint' ? fmt(v) : '?';
      return `${c.metric} per ${c.scope} over the last ${c.windowSeconds} s${includeCurrent ? ' (including this request)' : ''} is ${shown}, ${describeBounds(bounds, fmt)}`;
    },
  };
}
