// Approval, permit or operator rights granted to an EOA or to a contract that is not allowlisted
// (high for an EOA, or for any non-allowlisted spender of a typed-data signature; medium for an
// unknown contract in a simulated transaction).
// Legitimate spenders (routers, marketplaces, Permit2) are contracts the organisation knows; an
// allowance to a plain account is the signature of approval phishing.
import type { Rule } from '../types.ts';
import { controlledAccounts, describeTrust, finding, shortAddress, trustOf } from './context-queries.ts';

export const untrustedSpenderRule: Rule = {
  id: 'untrusted-spender',
  description:
    'Approval, permit or operator rights to an EOA or, by signature, to any non-allowlisted spender (high), or to a non-allowlisted contract (medium).',
  evaluate(ctx) {
    const controlled = controlledAccounts(ctx);
    return ctx.approvals
      .filter((a) => !a.revoked && controlled.has(a.owner))
      .flatMap((a) => {
        const trust = trustOf(ctx, a.spender);
        if (trust === 'allowlisted' || trust === 'controlled') return [];
        const cp = ctx.counterparties.find((c) => c.address === a.spender);
        const what = a.all ? 'operator rights over every token of' : 'an allowance on';
        return [
          finding(
            'untrusted-spender',
            // An off-chain signature has no simulation behind it: any spender we cannot vouch for is high.
            trust === 'eoa' || a.source === 'typed-data' ? 'high' : 'medium',
            `This gives ${shortAddress(a.spender)} (${describeTrust(trust)}${cp?.firstInteraction ? ', never used before' : ''}) ` +
              `${what} ${shortAddress(a.token)}.`,
            {
              kind: a.kind,
              token: a.token,
              owner: a.owner,
              spender: a.spender,
              spenderTrust: trust,
              firstInteraction: String(cp?.firstInteraction ?? true),
              ...(a.amount !== undefined ? { amount: a.amount } : {}),
              ...(a.all ? { all: 'true' } : {}),
            },
          ),
        ];
      });
  },
};
