// A call whose function cannot be decoded (selector not in any verified ABI nor in the 4-byte
// database) on a high-value request: approvers cannot know what they sign. High-value means the
// request sends at least `minNativeValueWei` of native currency, or the vault loses at least
// `minOutflowShareBps` of an asset's balance or `minUsdValue` dollars. Medium when the target is
// allowlisted, high otherwise.
import type { AnalysisContext, Rule } from '../types.ts';
import { decodedCalls, finding, lower, sameAsset, shortAddress } from './context-queries.ts';

export interface UnknownSelectorRuleParameters {
  /** Default 1 ETH (1e18 wei). */
  minNativeValueWei?: bigint;
  /** Default 1000 = 10 % of the vault's balance of an asset. */
  minOutflowShareBps?: number;
  /** Default 10 000 USD (needs prices). */
  minUsdValue?: number;
}

function highValueReason(
  ctx: AnalysisContext,
  p: Required<UnknownSelectorRuleParameters>,
): string | undefined {
  if (ctx.request.kind !== 'transaction') return undefined;
  if (BigInt(ctx.request.value) >= p.minNativeValueWei) return `sends ${ctx.request.value} wei`;
  for (const change of ctx.assetChanges) {
    if (change.address !== ctx.vault.address || BigInt(change.delta) >= 0n) continue;
    const outflow = -BigInt(change.delta);
    if (change.usdValue !== undefined && Number(change.usdValue) >= p.minUsdValue) {
      return `moves ${change.usdValue} USD of ${change.asset.address ?? 'native'}`;
    }
    if (change.asset.kind === 'native' && outflow >= p.minNativeValueWei) return `moves ${outflow} wei`;
    const balance = ctx.vault.balances?.find((b) => sameAsset(b.asset, change.asset));
    if (balance && outflow * 10000n >= BigInt(balance.amount) * BigInt(p.minOutflowShareBps)) {
      return `moves ${outflow} of ${change.asset.address ?? 'native'} (≥ ${p.minOutflowShareBps / 100} % of the balance)`;
    }
  }
  return undefined;
}

export function createUnknownSelectorRule(params: UnknownSelectorRuleParameters = {}): Rule {
  const p: Required<UnknownSelectorRuleParameters> = {
    minNativeValueWei: params.minNativeValueWei ?? 10n ** 18n,
    minOutflowShareBps: params.minOutflowShareBps ?? 1000,
    minUsdValue: params.minUsdValue ?? 10_000,
  };
  return {
    id: 'unknown-selector',
    description:
      'A call with an unknown function selector on a high-value request (medium to an allowlisted target, else high).',
    evaluate(ctx) {
      const unknown = decodedCalls(ctx).filter((c) => c.source === 'none' && c.selector !== undefined);
      if (unknown.length === 0) return [];
      const reason = highValueReason(ctx, p);
      if (!reason) return [];
      return unknown.map((call) => {
        const target = call.to ? lower(call.to) : undefined;
        const allowlisted = target !== undefined && ctx.lists.allowlist.has(target);
        return finding(
          'unknown-selector',
          allowlisted ? 'medium' : 'high',
          `This calls an unknown function (${call.selector}) on ${target ? shortAddress(target) : 'a new contract'} ` +
            `while it ${reason}: what it does cannot be read from the calldata.`,
          { selector: call.selector!, ...(target ? { target } : {}), highValue: reason },
        );
      });
    },
  };
}

export const unknownSelectorRule: Rule = createUnknownSelectorRule();
