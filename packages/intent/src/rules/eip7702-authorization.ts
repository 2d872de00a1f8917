// EIP-7702 authorization: the EOA delegates its code to a contract; whatever that contract does
// runs as the vault's own account, for every later call, until revoked. Handing that out is
// handing out the key: high (revocation to the zero address: info).
import type { Rule } from '../types.ts';
import { finding, lower, shortAddress, ZERO_ADDRESS } from './context-queries.ts';

/** EIP-7702 delegation designator prefix: 0xef0100 ‖ address. */
const DELEGATION_PREFIX = '0xef0100';

export const eip7702AuthorizationRule: Rule = {
  id: 'eip7702-authorization',
  description: 'An EIP-7702 authorization or code delegation of an account (high; revocation info).',
  evaluate(ctx) {
    const delegations = new Map<string, { account: string; via: string }>();
    const req = ctx.request;
    if (req.kind === 'transaction') {
      for (const auth of req.authorizationList ?? []) {
        delegations.set(lower(auth.address), { account: req.from, via: 'authorization list' });
      }
    }
    for (const s of ctx.stateChanges) {
      if (s.meaning === 'eip7702.delegation' && !delegations.has(lower(s.after))) {
        delegations.set(lower(s.after), { account: s.address, via: 'state change' });
      }
    }
    for (const c of ctx.simulation.codeChanges) {
      if (!c.after.toLowerCase().startsWith(DELEGATION_PREFIX) || c.after.length !== 48) continue;
      const delegate = lower(`0x${c.after.slice(8)}`);
      if (!delegations.has(delegate)) delegations.set(delegate, { account: c.address, via: 'code change' });
    }
    return [...delegations].map(([delegate, { account, via }]) =>
      delegate === ZERO_ADDRESS
        ? finding(
            'eip7702-authorization',
            'info',
            `This revokes the EIP-7702 delegation of ${shortAddress(account)}.`,
            {
              account,
              delegate,
              via,
            },
          )
        : finding(
            'eip7702-authorization',
            'high',
            `This makes account ${shortAddress(account)} run the code of ${shortAddress(delegate)} (EIP-7702): ` +
              'that code could move everything the account holds, now and in every later transaction.',
            { account, delegate, via, delegateAllowlisted: String(ctx.lists.allowlist.has(lower(delegate))) },
          ),
    );
  },
};
