// Storage and code changes that matter for custody, named by the slot they live in:
// - EIP-1967 proxy slots (implementation, admin, beacon: bytes32(uint256(keccak256('eip1967.proxy.*')) - 1));
// - Safe v1.x: slot 0 singleton (the Feb 2025 takeover wrote this slot through a delegatecall),
//   slot 1 modules and slot 2 owners linked-list mappings (sentinel 0x1), slot 4 threshold, the
//   guard slot keccak256("guard_manager.guard.address") and fallback handler slot
//   keccak256("fallback_manager.handler.address");
// - Ownable owner: whichever slot held the pre-state `owner()` value;
// - code: contracts created, EIP-7702 delegation designators (0xef0100 ‖ address).
// Descriptions carry full addresses: abbreviated ones are what address-poisoning attacks exploit.
// Safe and Ownable layouts are only applied to contracts that answer like one in the pre-state
// (getThreshold/getOwners, owner()), so an unrelated contract's slot 0 is never called a singleton.
import { encodeAbiParameters, keccak256 } from 'viem';
import type { RawSimulation, StateReader } from '../engine/engine.ts';
import type { Address, Hex, StateChange, StorageChange } from '../types.ts';

export const SLOTS = {
  eip1967Implementation: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  eip1967Admin: '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103',
  eip1967Beacon: '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50',
  safeGuard: '0x4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8',
  safeFallbackHandler: '0x6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5',
} as const;

const word = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;
const SAFE_SINGLETON_SLOT = word(0);
const SAFE_THRESHOLD_SLOT = word(4);
const SENTINEL: Address = '0x0000000000000000000000000000000000000001';
const ZERO: Address = '0x0000000000000000000000000000000000000000';
const SEL = { getThreshold: '0xe75235b8', getOwners: '0xa0e67e2b', owner: '0x8da5cb5b' } as const;

const asAddress = (w: Hex): Address => `0x${w.slice(-40)}` as Address;
const isAddressWord = (w: Hex) => /^0x0{24}/.test(w);

/** Slot of `mapping(address => …)` at `base` for `key` (Solidity layout: keccak256(key ‖ base)). */
export function mappingSlot(key: Address, base: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [key, BigInt(base)]));
}

/** Whether a changed slot could belong to Safe / Ownable layouts (worth a pre-state probe). */
function probeWorthy(c: StorageChange): boolean {
  if (BigInt(c.slot) < 16n) return true;
  for (const v of [c.before, c.after]) {
    const n = BigInt(v);
    if (n === 1n || (n > 1n << 128n && n < 1n << 160n)) return true;
  }
  return false;
}

export interface StateChangeParameters {
  sim: Pick<RawSimulation, 'storageChanges' | 'codeChanges' | 'trace'>;
  reader: StateReader;
  /** Addresses seen anywhere (trace, calldata) — candidate keys for the Safe mappings. */
  candidates: readonly Address[];
  /** EIP-7702 authorizations carried by the request, and the authority (the sender). */
  authorizations?: readonly { address: Address }[];
  authority?: Address;
}

export async function extractStateChanges(p: StateChangeParameters): Promise<StateChange[]> {
  const out: StateChange[] = [];
  const byAddress = new Map<Address, StorageChange[]>();
  for (const c of p.sim.storageChanges) {
    const list = byAddress.get(c.address) ?? [];
    list.push(c);
    byAddress.set(c.address, list);
  }
  const probe = [...byAddress].filter(([, changes]) => changes.some(probeWorthy)).map(([a]) => a);
  const answers = probe.length
    ? await p.reader.calls(
        probe.flatMap((to) => [
          { to, data: SEL.getThreshold as Hex },
          { to, data: SEL.getOwners as Hex },
          { to, data: SEL.owner as Hex },
        ]),
      )
    : [];
  const safes = new Set<Address>();
  const owners = new Map<Address, Address>();
  probe.forEach((a, i) => {
    const threshold = answers[i * 3];
    const ownersList = answers[i * 3 + 1];
    const owner = answers[i * 3 + 2];
    if (
      threshold &&
      threshold.length === 66 &&
      BigInt(threshold) > 0n &&
      ownersList &&
      ownersList.length >= 130
    )
      safes.add(a);
    if (owner && owner.length === 66 && isAddressWord(owner) && BigInt(owner) !== 0n)
      owners.set(a, asAddress(owner));
  });
  const candidates = new Set<Address>([SENTINEL, ...p.candidates]);
  for (const c of p.sim.storageChanges) {
    for (const v of [c.before, c.after])
      if (isAddressWord(v) && BigInt(v) !== 0n) candidates.add(asAddress(v));
  }
  for (const [address, changes] of [...byAddress].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const isSafe = safes.has(address);
    let mappings: Map<Hex, { key: Address; meaning: 'safe.owners' | 'safe.modules' }> | undefined;
    if (isSafe) {
      mappings = new Map();
      for (const key of candidates) {
        mappings.set(mappingSlot(key, 2), { key, meaning: 'safe.owners' });
        mappings.set(mappingSlot(key, 1), { key, meaning: 'safe.modules' });
      }
    }
    for (const c of changes) {
      const addrChange = (meaning: StateChange['meaning'], what: string) => {
        const before = asAddress(c.before);
        const after = asAddress(c.after);
        out.push({
          address,
          meaning,
          slot: c.slot,
          before,
          after,
          description: `${what} of ${address} changes from ${before === ZERO ? 'none' : before} to ${after === ZERO ? 'none' : after}`,
        });
      };
      if (c.slot === SLOTS.eip1967Implementation)
        addrChange('eip1967.implementation', 'proxy implementation');
      else if (c.slot === SLOTS.eip1967Admin) addrChange('eip1967.admin', 'proxy admin');
      else if (c.slot === SLOTS.eip1967Beacon) addrChange('eip1967.beacon', 'proxy beacon');
      else if (c.slot === SLOTS.safeGuard) addrChange('safe.guard', 'Safe transaction guard');
      else if (c.slot === SLOTS.safeFallbackHandler)
        addrChange('safe.fallbackHandler', 'Safe fallback handler');
      else if (isSafe && c.slot === SAFE_SINGLETON_SLOT)
        addrChange('safe.singleton', 'Safe singleton (wallet logic)');
      else if (isSafe && c.slot === SAFE_THRESHOLD_SLOT) {
        const before = BigInt(c.before).toString();
        const after = BigInt(c.after).toString();
        out.push({
          address,
          meaning: 'safe.threshold',
          slot: c.slot,
          before,
          after,
          description: `signing threshold of Safe ${address} changes from ${before} to ${after}`,
        });
      } else if (mappings?.has(c.slot)) {
        const { key, meaning } = mappings.get(c.slot)!;
        const wasIn = BigInt(c.before) !== 0n;
        const isIn = BigInt(c.after) !== 0n;
        if (key === SENTINEL || wasIn === isIn) continue; // linked-list pointer updates
        const what = meaning === 'safe.owners' ? 'owner' : 'module';
        out.push({
          address,
          meaning,
          slot: c.slot,
          key,
          before: wasIn ? 'present' : 'absent',
          after: isIn ? 'present' : 'absent',
          description: isIn
            ? `${key} becomes a ${what} of Safe ${address}`
            : `${key} is removed as a ${what} of Safe ${address}`,
        });
      } else if (
        owners.has(address) &&
        isAddressWord(c.before) &&
        asAddress(c.before) === owners.get(address)
      ) {
        addrChange('ownable.owner', 'owner');
      }
    }
  }
  for (const c of p.sim.codeChanges) {
    if (c.after.startsWith('0xef0100') && c.after.length === 48) {
      const after = `0x${c.after.slice(8)}` as Address;
      const before = c.before.startsWith('0xef0100') ? (`0x${c.before.slice(8)}` as Address) : ZERO;
      out.push({
        address: c.address,
        meaning: 'eip7702.delegation',
        before,
        after,
        description: `account ${c.address} delegates its code to ${after}`,
      });
    } else {
      out.push({
        address: c.address,
        meaning: 'code',
        before: c.before === '0x' ? 'none' : `${(c.before.length - 2) / 2} bytes`,
        after: c.after === '0x' ? 'none' : `${(c.after.length - 2) / 2} bytes`,
        description: c.before === '0x' ? `contract ${c.address} is created` : `code of ${c.address} changes`,
      });
    }
  }
  if (p.authority && p.authorizations?.length) {
    const [current] = await p.reader.codes([p.authority]);
    const before = current?.startsWith('0xef0100') ? (`0x${current.slice(8)}` as Address) : ZERO;
    for (const auth of p.authorizations) {
      out.push({
        address: p.authority,
        meaning: 'eip7702.delegation',
        before,
        after: auth.address,
        description:
          auth.address === ZERO
            ? `account ${p.authority} clears its EIP-7702 delegation`
            : `account ${p.authority} delegates its code to ${auth.address} (EIP-7702): that contract can then act with the account's funds`,
      });
    }
  }
  return out;
}
