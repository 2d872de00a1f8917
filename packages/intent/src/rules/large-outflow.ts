// Native or token outflow above a share of the vault's balance (default 50 %). Draining most of a
// wallet in one request is what every theft looks like; legitimate rebalancing can go through an
// extra approval. Compares the simulated net change with the balance before the request.
import type { Rule } from '../types.ts';
import { assetLabel, finding, formatAmount, sameAsset } from './context-queries.ts';

export interface LargeOutflowRuleParameters {
  /** Share of the balance, in basis points, at or above which an outflow is flagged (default 5000 = 50 %). */
  maxShareBps?: number;
}

export function createLargeOutflowRule(params: LargeOutflowRuleParameters = {}): Rule {
  const maxShareBps = BigInt(params.maxShareBps ?? 5000);
  if (maxShareBps <= 0n || maxShareBps > 10000n) throw new RangeError('maxShareBps must be in 1..10000');
  return {
    id: 'large-outflow',
    description: `An outflow of at least ${Number(maxShareBps) / 100} % of the vault's balance of an asset (high).`,
    evaluate(ctx) {
      const balances = ctx.vault.balances ?? [];
      const findings = [];
      for (const change of ctx.assetChanges) {
        if (change.address !== ctx.vault.address) continue;
        const outflow = -BigInt(change.delta);
        if (outflow <= 0n) continue;
        const balance = balances.find((b) => sameAsset(b.asset, change.asset));
        if (!balance) continue;
        const before = BigInt(balance.amount);
        if (outflow * 10000n < before * maxShareBps) continue;
        const shareBps = before > 0n ? (outflow * 10000n) / before : 10000n;
        findings.push(
          finding(
            'large-outflow',
            'high',
            `This sends ${formatAmount(outflow, change.asset.decimals)} ${assetLabel(change.asset)} out of the vault: ` +
              `${Number(shareBps) / 100} % of its balance.`,
            {
              asset: change.asset.address ?? 'native',
              ...(change.asset.tokenId !== undefined ? { tokenId: change.asset.tokenId } : {}),
              outflow: outflow.toString(),
              balance: before.toString(),
              shareBps: shareBps.toString(),
              thresholdBps: maxShareBps.toString(),
            },
          ),
        );
      }
      return findings;
    },
  };
}

export const largeOutflowRule: Rule = createLargeOutflowRule();
