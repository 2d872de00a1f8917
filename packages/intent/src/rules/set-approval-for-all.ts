// setApprovalForAll(operator, true): the operator may move every NFT (ERC-721/1155) of the collection
// the vault holds now or later. Marketplaces ask for it; drainers depend on it.
import type { Rule } from '../types.ts';
import { controlledAccounts, describeTrust, finding, shortAddress, trustOf } from './context-queries.ts';

export const setApprovalForAllRule: Rule = {
  id: 'set-approval-for-all',
  description: 'setApprovalForAll to an operator: high unless the operator is allowlisted (low).',
  evaluate(ctx) {
    const controlled = controlledAccounts(ctx);
    return ctx.approvals
      .filter((a) => a.all && !a.revoked && controlled.has(a.owner))
      .map((a) => {
        const trust = trustOf(ctx, a.spender);
        const trusted = trust === 'allowlisted' || trust === 'controlled';
        return finding(
          'set-approval-for-all',
          trusted ? 'low' : 'high',
          `This makes ${shortAddress(a.spender)} (${describeTrust(trust)}) an operator of every token of collection ` +
            `${shortAddress(a.token)} held by ${shortAddress(a.owner)}: it could take all of them.`,
          { token: a.token, owner: a.owner, operator: a.spender, operatorTrust: trust, source: a.source },
        );
      });
  },
};
