// Conditions `vault` and `wallet`: ids and tags, with `prefix*` patterns such as `venue:*` (§4.2).
import type { Conditions } from '../document.ts';
import { type CompiledCondition, list } from './condition.ts';

type TagCondition = NonNullable<Conditions['vault']>;

/**
 * Compiles tag patterns into a predicate over a tag list: exact tags via a set, prefixes by scan.
 * `*` alone is the empty prefix: it matches any target with at least one tag.
 */
export function tagMatcher(patterns: readonly string[]): (tags: readonly string[]) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (tags) => {
    for (const t of tags) {
      if (exact.has(t)) return true;
      for (const p of prefixes) if (t.startsWith(p)) return true;
    }
    return false;
  };
}

export function compileTags(which: 'vault' | 'wallet', c: TagCondition): CompiledCondition {
  const ids = c.ids ? new Set(c.ids) : null;
  const tags = c.tags ? tagMatcher(c.tags) : null;
  const target = (f: Parameters<CompiledCondition['test']>[0]) =>
    which === 'vault' ? f.request.vault : f.request.wallet;
  return {
    kind: which,
    test(f) {
      const t = target(f);
      if (!t) return false;
      if (ids && !ids.has(t.id)) return false;
      if (tags && !tags(t.tags)) return false;
      return true;
    },
    describe(f) {
      const t = target(f)!;
      const parts: string[] = [];
      if (c.ids) parts.push(`${which} ${t.id} is one of ${list(c.ids)}`);
      if (c.tags) parts.push(`${which} tags ${list([...t.tags])} match ${list(c.tags)}`);
      return parts.join(' and ');
    },
  };
}
