// Address poisoning: the attacker sends dust from an address that looks like one the vault uses,
// hoping the next payment is copied from history. Wallets show 0x1234…abcd, so the heuristic is:
// an address the request touches that shares the FIRST 4 and LAST 4 hex characters
// (case-insensitive) with an address-book entry, allowlisted address or recent counterparty, but
// is a different address → high. 32 bits must match by chance: legitimate collisions are
// negligible, while attackers grind exactly those characters with vanity generators.
import type { Address, Rule } from '../types.ts';
import { finding, shortAddress } from './context-queries.ts';
import { touchedAddresses } from './counterparty-addresses.ts';

const PREFIX = 4;
const SUFFIX = 4;

function fingerprint(address: Address): string {
  const hex = address.slice(2);
  return `${hex.slice(0, PREFIX)}…${hex.slice(-SUFFIX)}`;
}

export const addressPoisoningRule: Rule = {
  id: 'address-poisoning',
  description:
    'An address that shares the first 4 and last 4 hex characters with an address-book entry, allowlisted address or recent counterparty, but differs (high).',
  evaluate(ctx) {
    const references = new Map<string, { address: Address; label: string }[]>();
    const addRef = (address: Address, label: string) => {
      const fp = fingerprint(address);
      const list = references.get(fp) ?? [];
      if (!list.some((r) => r.address === address)) list.push({ address, label });
      references.set(fp, list);
    };
    for (const [address, label] of ctx.lists.addressBook) addRef(address, `address book: ${label}`);
    for (const address of ctx.lists.allowlist) addRef(address, 'allowlist');
    for (const address of ctx.vault.knownCounterparties) addRef(address, 'recent counterparty');
    addRef(ctx.vault.address, 'the vault itself');
    const known = new Set([...references.values()].flat().map((r) => r.address));
    const findings = [];
    for (const [address, places] of touchedAddresses(ctx)) {
      if (known.has(address)) continue;
      const lookalike = references.get(fingerprint(address))?.[0];
      if (!lookalike) continue;
      findings.push(
        finding(
          'address-poisoning',
          'high',
          `${address} looks like ${lookalike.address} (${lookalike.label}) — same ${shortAddress(address)} — ` +
            'but is a different address: a poisoning look-alike.',
          {
            address,
            lookalikeOf: lookalike.address,
            lookalikeSource: lookalike.label,
            seenAs: places.join(','),
          },
        ),
      );
    }
    return findings;
  },
};
