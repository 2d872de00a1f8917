// Condition `initiator`: the requesting user, directly or through group membership (§4.1).
import type { Conditions } from '../document.ts';
import { type CompiledCondition, list } from './condition.ts';

export function compileInitiator(c: NonNullable<Conditions['initiator']>): CompiledCondition {
  const users = new Set(c.users ?? []);
  const groups = new Set(c.groups ?? []);
  return {
    kind: 'initiator',
    test(f) {
      if (users.has(f.request.initiator)) return true;
      for (const g of f.initiatorGroups) if (groups.has(g)) return true;
      return false;
    },
    describe(f) {
      if (users.has(f.request.initiator))
        return `initiator ${f.request.initiator} is one of ${list([...users])}`;
      const hit = [...f.initiatorGroups].filter((g) => groups.has(g));
      return `initiator ${f.request.initiator} is in group ${list(hit)}`;
    },
  };
}
