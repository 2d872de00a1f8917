// Any address the request touches is on the blocklist / threat-intel feed (src/lists reloads those
// files without restart): critical. Checks every address seen, not only the direct recipient, so a
// drainer hidden as a spender, an operator, a delegatecall target or a batch step is caught too.
import type { Rule } from '../types.ts';
import { finding, shortAddress } from './context-queries.ts';
import { touchedAddresses } from './counterparty-addresses.ts';

export const blocklistedCounterpartyRule: Rule = {
  id: 'blocklisted-counterparty',
  description: 'An address on the blocklist or threat-intel feed takes part in the request (critical).',
  evaluate(ctx) {
    const findings = [];
    const touched = touchedAddresses(ctx);
    for (const cp of ctx.counterparties) {
      if (cp.lists.block && !touched.has(cp.address)) touched.set(cp.address, ['counterparty']);
    }
    for (const [address, places] of touched) {
      const reason =
        ctx.lists.blocklist.get(address) ??
        ctx.counterparties.find((c) => c.address === address)?.lists.block;
      if (reason === undefined) continue;
      findings.push(
        finding(
          'blocklisted-counterparty',
          'critical',
          `${shortAddress(address)} is on the blocklist (${reason}).`,
          { address, reason, seenAs: places.join(',') },
        ),
      );
    }
    return findings;
  },
};
