// Counterparties: every address the request deals with besides the vault — the target, who
// receives or sends assets, who gains an allowance, code that runs by delegatecall, new owners,
// implementations, modules, guards — with what the chain says about it (EOA or contract, code
// size, EIP-7702 delegate) and what Cairn's lists say (address book, allowlist, blocklist, first
// interaction for this vault).
import type { StateReader } from '../engine/engine.ts';
import { bytecodeCanMoveAssets } from '../rules/bytecode-capabilities.ts';
import type {
  Address,
  AddressLists,
  Approval,
  CallFrame,
  Counterparty,
  CounterpartyRole,
  StateChange,
  Transfer,
  VaultContext,
} from '../types.ts';

const ZERO: Address = '0x0000000000000000000000000000000000000000';
/** Precompiles and the zero address are not counterparties. */
const isSpecial = (a: Address) => BigInt(a) <= 0x1ffn;

export interface CounterpartyParameters {
  vault: VaultContext;
  lists: AddressLists;
  reader?: StateReader;
  to?: Address;
  trace: readonly CallFrame[];
  transfers: readonly Transfer[];
  approvals: readonly Approval[];
  stateChanges: readonly StateChange[];
  /** Extra addresses with roles (e.g. from typed data). */
  extra?: readonly { address: Address; role: CounterpartyRole }[];
}

export async function extractCounterparties(p: CounterpartyParameters): Promise<Counterparty[]> {
  const roles = new Map<Address, Set<CounterpartyRole>>();
  const add = (address: Address | undefined, role: CounterpartyRole) => {
    if (!address) return;
    const a = address.toLowerCase() as Address;
    if (a === p.vault.address || isSpecial(a)) return;
    const set = roles.get(a) ?? new Set<CounterpartyRole>();
    roles.set(a, set);
    set.add(role);
  };
  add(p.to, 'to');
  for (const f of p.trace) {
    if (f.depth === 0) continue;
    if (f.type === 'DELEGATECALL' || f.type === 'CALLCODE') add(f.to, 'delegatecall-target');
    else if (f.type !== 'STATICCALL') add(f.to, 'called');
  }
  for (const t of p.transfers) {
    if (t.from === p.vault.address) add(t.to, 'recipient');
    if (t.to === p.vault.address) add(t.from, 'sender');
  }
  for (const a of p.approvals) add(a.spender, a.kind === 'setApprovalForAll' ? 'operator' : 'spender');
  for (const s of p.stateChanges) {
    const target = /^0x[0-9a-f]{40}$/.test(s.after) && s.after !== ZERO ? (s.after as Address) : undefined;
    switch (s.meaning) {
      case 'eip1967.implementation':
      case 'eip1967.beacon':
      case 'safe.singleton':
        add(target, 'implementation');
        break;
      case 'eip1967.admin':
      case 'ownable.owner':
        add(target, 'new-owner');
        break;
      case 'safe.owners':
        if (s.after === 'present') add(s.key, 'new-owner');
        break;
      case 'safe.modules':
        if (s.after === 'present') add(s.key, 'module');
        break;
      case 'safe.guard':
        add(target, 'guard');
        break;
      case 'safe.fallbackHandler':
        add(target, 'fallback-handler');
        break;
      case 'eip7702.delegation':
        add(target, 'delegate');
        break;
      default:
        break;
    }
  }
  for (const e of p.extra ?? []) add(e.address, e.role);
  const addresses = [...roles.keys()].sort();
  const codes =
    p.reader && addresses.length > 0 ? await p.reader.codes(addresses) : addresses.map(() => undefined);
  return addresses.map((address, i) => {
    const code = codes[i];
    const codeSize = code ? (code.length - 2) / 2 : 0;
    const delegated = code?.startsWith('0xef0100') && code.length === 48;
    const c: Counterparty = {
      address,
      kind: codeSize > 0 && !delegated ? 'contract' : 'eoa',
      codeSize,
      roles: [...roles.get(address)!].sort(),
      lists: {
        allow: p.lists.allowlist.has(address),
        ...(p.lists.addressBook.has(address) ? { addressBook: p.lists.addressBook.get(address) } : {}),
        ...(p.lists.blocklist.has(address) ? { block: p.lists.blocklist.get(address) } : {}),
      },
      firstInteraction: !p.vault.knownCounterparties.has(address),
    };
    if (delegated) c.delegatedTo = `0x${code!.slice(8)}` as Address;
    else if (c.kind === 'contract' && code) c.canMoveAssets = bytecodeCanMoveAssets(code);
    return c;
  });
}
