// Condition `destination`: whitelisted (in the address book, optionally a given entry or entry
// group) versus one-time (not in the address book). No destination → never matches (§4.6).
import type { Conditions } from '../document.ts';
import { destinationKey } from '../ledger.ts';
import type { AddressBookEntry } from '../state.ts';
import { type CompileContext, type CompiledCondition, type EvalFacts, list } from './condition.ts';

export function resolveDestination(f: EvalFacts, ctx: CompileContext): AddressBookEntry | null {
  if (f.destinationEntry === undefined) {
    const d = f.request.destination;
    f.destinationEntry = d
      ? (ctx.addressIndex.get(destinationKey(f.request.chain, d.address)) ?? null)
      : null;
  }
  return f.destinationEntry;
}

export function compileDestination(
  c: NonNullable<Conditions['destination']>,
  ctx: CompileContext,
): CompiledCondition {
  const entries = c.entries ? new Set(c.entries) : null;
  const groups = c.groups ? new Set(c.groups) : null;
  const type = c.type ?? (entries || groups ? 'whitelisted' : 'any');
  return {
    kind: 'destination',
    test(f) {
      if (!f.request.destination) return false;
      const entry = resolveDestination(f, ctx);
      if (type === 'one_time') return entry === null;
      if (type === 'any' && !entries && !groups) return true;
      if (entry === null) return false;
      if (entries && !entries.has(entry.id)) return false;
      if (groups && !entry.groups.some((g) => groups.has(g))) return false;
      return true;
    },
    describe(f) {
      const entry = resolveDestination(f, ctx);
      const addr = f.request.destination?.address;
      if (entry === null) return `destination ${addr} is a one-time address (not in the address book)`;
      const extra = [
        entries ? `entry ${entry.id} is one of ${list(c.entries!)}` : '',
        groups ? `entry groups ${list(entry.groups)} intersect ${list(c.groups!)}` : '',
      ].filter(Boolean);
      return `destination ${addr} is whitelisted as ${entry.id}${extra.length ? ` (${extra.join(', ')})` : ''}`;
    },
  };
}
