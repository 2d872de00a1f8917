// USD valuation of a request from a price snapshot (docs/policy.md §4.8). A price is fresh when
// now - maxAge·1000 <= at <= now. Anything else (no asset, no price, stale or future-dated
// price) has no USD value, and every USD condition then fails closed.
import { usdMicrosOf } from './amount.ts';
import { assetKey, destinationKey, type LedgerEntry } from './ledger.ts';
import type { PolicyRequest, PriceSnapshot } from './request.ts';

export type UsdValuation = { ok: true; usdMicros: bigint } | { ok: false; reason: string };

export function valueInUsd(
  request: PolicyRequest,
  prices: PriceSnapshot,
  maxAgeSeconds: number,
  now: number,
): UsdValuation {
  if (!request.asset) {
    return request.amount === 0n
      ? { ok: true, usdMicros: 0n }
      : { ok: false, reason: 'the request names no asset' };
  }
  const p = prices.prices.get(request.asset.id);
  if (!p) return { ok: false, reason: `no USD price for ${request.asset.id}` };
  if (p.at > now)
    return { ok: false, reason: `the USD price for ${request.asset.id} is dated in the future` };
  if (now - p.at > maxAgeSeconds * 1000) {
    return {
      ok: false,
      reason: `the USD price for ${request.asset.id} is ${Math.floor((now - p.at) / 1000)} s old (limit ${maxAgeSeconds} s)`,
    };
  }
  return { ok: true, usdMicros: usdMicrosOf(request.amount, request.asset.decimals, p.atto) };
}

/**
 * The ledger entry a node records once it has signed `request` (stamped with the submission
 * time; USD valued at submission time, null without a fresh price).
 */
export function ledgerEntryFor(
  request: PolicyRequest,
  prices: PriceSnapshot,
  maxAgeSeconds: number,
): LedgerEntry {
  const usd = valueInUsd(request, prices, maxAgeSeconds, request.submittedAt);
  return {
    requestId: request.id,
    at: request.submittedAt,
    vaultId: request.vault.id,
    initiator: request.initiator,
    destination: request.destination ? destinationKey(request.chain, request.destination.address) : null,
    asset: request.asset ? assetKey(request.chain, request.asset.id) : null,
    amount: request.amount,
    usdMicros: usd.ok ? usd.usdMicros : null,
  };
}
