// Transfer to a contract that cannot move tokens out (bytecode-capabilities.ts): the funds are
// lost for good (a classic: sending tokens to the token contract itself or to a sink). Medium.
//
// Needs the recipient's runtime code: the engine supplies either `canMoveAssets` (computed with
// bytecodeCanMoveAssets) or `code` on the counterparty. Without either the rule stays silent.
import type { Counterparty, Hex, Rule } from '../types.ts';
import { bytecodeCanMoveAssets } from './bytecode-capabilities.ts';
import { assetLabel, controlledAccounts, finding, shortAddress } from './context-queries.ts';

/** The optional code facts this rule reads from a counterparty. */
export type CounterpartyCodeFacts = Counterparty & { readonly code?: Hex; readonly canMoveAssets?: boolean };

function cannotMoveAssets(cp: CounterpartyCodeFacts): boolean {
  if (cp.kind !== 'contract') return false;
  if (cp.canMoveAssets !== undefined) return !cp.canMoveAssets;
  if (cp.code !== undefined && cp.code !== '0x') return !bytecodeCanMoveAssets(cp.code);
  return false;
}

export const tokenTrappingRecipientRule: Rule = {
  id: 'token-trapping-recipient',
  description: 'Assets sent to a contract whose code can never move them out again (medium).',
  evaluate(ctx) {
    const controlled = controlledAccounts(ctx);
    const findings = [];
    const seen = new Set<string>();
    for (const t of ctx.transfers) {
      if (!controlled.has(t.from)) continue;
      const cp = ctx.counterparties.find((c) => c.address === t.to) as CounterpartyCodeFacts | undefined;
      if (!cp || !cannotMoveAssets(cp)) continue;
      const key = `${t.to}:${t.asset.kind}:${t.asset.address ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(
        finding(
          'token-trapping-recipient',
          'medium',
          `This sends ${assetLabel(t.asset)} to contract ${shortAddress(t.to)}, whose code can never send it out again: ` +
            'it would be lost.',
          { recipient: t.to, asset: t.asset.address ?? 'native', amount: t.amount },
        ),
      );
    }
    return findings;
  },
};
