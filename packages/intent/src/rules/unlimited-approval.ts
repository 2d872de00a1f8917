// Unlimited allowance (ERC-20 approve/increaseAllowance of ≥ 2^255, Permit/Permit2 of the maximum):
// the spender can take the whole balance, now and later, without another signature.
import type { Rule } from '../types.ts';
import { controlledAccounts, describeTrust, finding, shortAddress, trustOf } from './context-queries.ts';

export const unlimitedApprovalRule: Rule = {
  id: 'unlimited-approval',
  description:
    'An unlimited token allowance (approve, permit or Permit2): high unless the spender is allowlisted (medium).',
  evaluate(ctx) {
    const controlled = controlledAccounts(ctx);
    return ctx.approvals
      .filter((a) => a.unlimited && !a.revoked && !a.all && controlled.has(a.owner))
      .map((a) => {
        const trust = trustOf(ctx, a.spender);
        return finding(
          'unlimited-approval',
          trust === 'allowlisted' || trust === 'controlled' ? 'medium' : 'high',
          `This lets ${shortAddress(a.spender)} (${describeTrust(trust)}) spend an unlimited amount of token ` +
            `${shortAddress(a.token)} from ${shortAddress(a.owner)}, now and later, without asking again.`,
          {
            kind: a.kind,
            token: a.token,
            owner: a.owner,
            spender: a.spender,
            spenderTrust: trust,
            amount: a.amount ?? 'unlimited',
            source: a.source,
            ...(a.expiration !== undefined ? { expiration: a.expiration } : {}),
            ...(a.deadline !== undefined ? { deadline: a.deadline } : {}),
          },
        );
      });
  },
};
