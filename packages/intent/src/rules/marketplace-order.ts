// Marketplace order signatures (Seaport, Blur) that give assets away: the signer offers items and
// gets nothing back (zero price: critical), gets a dust amount or under 1 % of what the order pays
// out in that asset while someone else collects the rest (attacker-recipient consideration: high),
// or signs a Blur bulk root whose orders cannot be seen (high). Judged from the typed-data
// analysis's asset changes, which list both sides of the order.
import type { Address, Rule } from '../types.ts';
import { assetLabel, finding, shortAddress } from './context-queries.ts';

/** Below a millionth of a whole token (when decimals are known) the price is dust. */
const DUST_DIVISOR_DECIMALS = 6;

export const marketplaceOrderRule: Rule = {
  id: 'marketplace-order',
  description:
    'Seaport/Blur order giving assets for nothing (critical), for a dust price or with the payment routed to others (high), or a blind bulk signature (high).',
  evaluate(ctx) {
    const td = ctx.typedData;
    if (!td || (td.kind !== 'seaport-order' && td.kind !== 'blur-order')) return [];
    if (td.fields.bulkRoot !== undefined) {
      return [
        finding(
          'marketplace-order',
          'high',
          'This signs a Blur bulk Merkle root: the listings it authorises are not shown and cannot be checked.',
          { root: td.fields.bulkRoot, hash: td.fields.hash ?? '' },
        ),
      ];
    }
    const signer =
      ctx.request.kind === 'typed-data' ? (ctx.request.signer.toLowerCase() as Address) : ctx.vault.address;
    const gives = td.assetChanges.filter((c) => c.address === signer && BigInt(c.delta) < 0n);
    if (gives.length === 0) return [];
    const gets = td.assetChanges.filter((c) => c.address === signer && BigInt(c.delta) > 0n);
    const given = gives.map((c) => assetLabel(c.asset)).join(', ');
    if (gets.length === 0) {
      const others = td.assetChanges.filter((c) => c.address !== signer && BigInt(c.delta) > 0n);
      return [
        finding(
          'marketplace-order',
          'critical',
          `This order gives away ${given} and pays the signer nothing` +
            (others.length > 0
              ? `; the payment goes to ${[...new Set(others.map((c) => shortAddress(c.address)))].join(', ')}.`
              : '.'),
          {
            gives: given,
            signerReceives: 'nothing',
            otherRecipients: [...new Set(others.map((c) => c.address))].join(','),
          },
        ),
      ];
    }
    const findings = [];
    for (const got of gets) {
      if (got.asset.kind !== 'native' && got.asset.kind !== 'erc20') continue;
      const amount = BigInt(got.delta);
      const sameAsset = td.assetChanges.filter(
        (c) =>
          c.address !== signer &&
          BigInt(c.delta) > 0n &&
          c.asset.kind === got.asset.kind &&
          (c.asset.address ?? '') === (got.asset.address ?? ''),
      );
      const othersTotal = sameAsset.reduce((sum, c) => sum + BigInt(c.delta), 0n);
      const decimals = got.asset.decimals;
      const dust =
        decimals !== undefined &&
        decimals >= DUST_DIVISOR_DECIMALS &&
        amount < 10n ** BigInt(decimals - DUST_DIVISOR_DECIMALS);
      const routedAway = othersTotal > 0n && amount * 100n < amount + othersTotal;
      if (!dust && !routedAway) continue;
      findings.push(
        finding(
          'marketplace-order',
          'high',
          routedAway
            ? `This order gives away ${given}; the signer gets ${amount} of ${assetLabel(got.asset)} while ` +
                `${[...new Set(sameAsset.map((c) => shortAddress(c.address)))].join(', ')} get ${othersTotal}: the payment is routed to someone else.`
            : `This order gives away ${given} for a dust price (${amount} of ${assetLabel(got.asset)}).`,
          {
            gives: given,
            signerReceives: amount.toString(),
            asset: got.asset.address ?? 'native',
            othersReceive: othersTotal.toString(),
            otherRecipients: [...new Set(sameAsset.map((c) => c.address))].join(','),
          },
        ),
      );
    }
    return findings;
  },
};
