// The rule index (docs/policy.md §3.2): how evaluate() stays fast at thousands of rules without
// changing a single decision. At compile time every rule's conditions are split into
//   - indexed conditions (kinds, chains, assets, vault, wallet, initiator, amount, amountUsd):
//     turned into maps and sorted threshold tables that yield, for one request, the bitset of
//     rules whose indexed conditions all hold, in O(distinct values + words) time;
//   - lazy conditions (destination, intent, time, velocity): deduplicated across rules, each
//     evaluated at most once per request, and when one is false every rule using it is dropped.
// evaluate() then walks the surviving rules in order. matchRule() keeps the plain per-rule
// semantics, and the property tests check that both always agree.
import { parseUsdMicros } from './amount.ts';
import { type Bitset, emptySet, fullSet, orInto, setBit } from './bitset.ts';
import { canonicalJson } from './canonical-json.ts';
import type { CompiledCondition } from './conditions/condition.ts';
import type { Conditions, RequestKind, Rule } from './document.ts';
import type { PolicyRequest } from './request.ts';

/** "rules allowed by a dimension" = rules without a condition on it, plus rules listing the value. */
class KeyIndex {
  readonly words: number;
  readonly unconstrained: Bitset;
  readonly #byKey = new Map<string, Bitset>();
  constructor(words: number) {
    this.words = words;
    this.unconstrained = emptySet(words);
  }
  add(key: string, rule: number): void {
    let s = this.#byKey.get(key);
    if (!s) {
      s = emptySet(this.words);
      this.#byKey.set(key, s);
    }
    setBit(s, rule);
  }
  get(key: string): Bitset | undefined {
    return this.#byKey.get(key);
  }
  keys(): IterableIterator<string> {
    return this.#byKey.keys();
  }
}

/** Rules with a bound `x OP threshold`; `allowed(x)` = rules whose bound holds or have none. */
class BoundIndex {
  readonly words: number;
  /** The bound `x op threshold` each indexed rule states. */
  readonly op: 'gt' | 'gte' | 'lt' | 'lte';
  readonly unconstrained: Bitset;
  #thresholds: bigint[] = [];
  #prefix: Bitset[] = [];
  readonly #pending: { t: bigint; rule: number }[] = [];
  constructor(words: number, size: number, op: 'gt' | 'gte' | 'lt' | 'lte') {
    this.words = words;
    this.op = op;
    this.unconstrained = fullSet(size);
  }
  add(threshold: bigint, rule: number): void {
    this.#pending.push({ t: threshold, rule });
    this.unconstrained[rule >>> 5]! &= ~(1 << (rule & 31));
  }
  /** Sorts thresholds so that the rules whose bound holds are always a prefix. */
  finish(): void {
    const lower = this.op === 'gt' || this.op === 'gte';
    this.#pending.sort((a, b) =>
      lower ? (a.t < b.t ? -1 : a.t > b.t ? 1 : 0) : a.t > b.t ? -1 : a.t < b.t ? 1 : 0,
    );
    this.#thresholds = this.#pending.map((p) => p.t);
    let acc = emptySet(this.words);
    this.#prefix = [acc];
    for (const p of this.#pending) {
      acc = acc.slice();
      setBit(acc, p.rule);
      this.#prefix.push(acc);
    }
  }
  get empty(): boolean {
    return this.#thresholds.length === 0;
  }
  /** How many thresholds hold for x (binary search), i.e. the prefix length. */
  #holding(x: bigint): number {
    const ts = this.#thresholds;
    const op = this.op;
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = ts[mid]!;
      const holds = op === 'gt' ? x > t : op === 'gte' ? x >= t : op === 'lt' ? x < t : x <= t;
      if (holds) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** alive &= (unconstrained | prefix(x)) */
  restrict(alive: Bitset, x: bigint): void {
    const p = this.#prefix[this.#holding(x)]!;
    const u = this.unconstrained;
    for (let w = 0; w < alive.length; w++) alive[w]! &= u[w]! | p[w]!;
  }
}

class TagIndex {
  readonly ids: KeyIndex;
  readonly idsFree: Bitset;
  readonly exact: KeyIndex;
  readonly prefixes: KeyIndex;
  readonly tagsFree: Bitset;
  constructor(words: number, size: number) {
    this.ids = new KeyIndex(words);
    this.exact = new KeyIndex(words);
    this.prefixes = new KeyIndex(words);
    this.idsFree = fullSet(size);
    this.tagsFree = fullSet(size);
  }
  add(c: NonNullable<Conditions['vault']>, rule: number): void {
    if (c.ids) {
      this.idsFree[rule >>> 5]! &= ~(1 << (rule & 31));
      for (const id of c.ids) this.ids.add(id, rule);
    }
    if (c.tags) {
      this.tagsFree[rule >>> 5]! &= ~(1 << (rule & 31));
      for (const t of c.tags) {
        if (t.endsWith('*')) this.prefixes.add(t.slice(0, -1), rule);
        else this.exact.add(t, rule);
      }
    }
  }
  /** alive &= rules whose id and tag conditions hold for `target` (or that have none). */
  restrict(alive: Bitset, target: { id: string; tags: readonly string[] }, scratch: Bitset): void {
    scratch.set(this.idsFree);
    const s = this.ids.get(target.id);
    if (s) orInto(scratch, s);
    for (let w = 0; w < alive.length; w++) alive[w]! &= scratch[w]!;
    scratch.set(this.tagsFree);
    for (const t of target.tags) {
      const e = this.exact.get(t);
      if (e) orInto(scratch, e);
    }
    for (const p of this.prefixes.keys()) {
      if (target.tags.some((t) => t.startsWith(p))) orInto(scratch, this.prefixes.get(p)!);
    }
    for (let w = 0; w < alive.length; w++) alive[w]! &= scratch[w]!;
  }
}

/** A deduplicated lazy condition and the rules that use it. */
export interface LazyCondition {
  readonly condition: CompiledCondition;
  readonly rules: Bitset;
}

export interface RuleIndex {
  readonly size: number;
  readonly words: number;
  readonly kinds: ReadonlyMap<RequestKind, Bitset>;
  readonly chains: KeyIndex;
  readonly assets: KeyIndex;
  readonly initiatorUsers: KeyIndex;
  readonly initiatorGroups: KeyIndex;
  readonly vault: TagIndex;
  readonly wallet: TagIndex;
  /** Rules without a wallet condition (the only ones a request without a wallet can match). */
  readonly walletFree: Bitset;
  readonly amount: readonly BoundIndex[];
  readonly usd: readonly BoundIndex[];
  /** Rules with an amountUsd condition (they fail closed when the USD value is unknown). */
  readonly usdRules: Bitset;
  readonly hasUsd: boolean;
  readonly lazy: readonly LazyCondition[];
  /** Per rule: ids into `lazy`, cheapest first. */
  readonly lazyOf: readonly (readonly number[])[];
  /** Every rule (copied per evaluation). */
  readonly all: Bitset;
  /** Working space for indexedCandidates (evaluation is synchronous, so one per index suffices). */
  readonly scratch: Bitset;
}

const KINDS: readonly RequestKind[] = [
  'transfer',
  'contract_call',
  'token_approval',
  'typed_data',
  'raw_message',
];
const OPS = ['gt', 'gte', 'lt', 'lte'] as const;

/**
 * Builds the index. `lazyConditions(rule)` returns the rule's lazy conditions with a dedup key
 * each (same key ⇒ same function of the request).
 */
export function buildRuleIndex(
  rules: readonly Rule[],
  lazyConditions: (rule: Rule, index: number) => { key: string; condition: CompiledCondition }[],
): RuleIndex {
  const size = rules.length;
  const words = Math.ceil(size / 32);
  const kinds = new Map<RequestKind, Bitset>(KINDS.map((k) => [k, emptySet(words)]));
  const chains = new KeyIndex(words);
  const assets = new KeyIndex(words);
  const initiatorUsers = new KeyIndex(words);
  const initiatorGroups = new KeyIndex(words);
  const vault = new TagIndex(words, size);
  const wallet = new TagIndex(words, size);
  const amount = OPS.map((op) => new BoundIndex(words, size, op));
  const usd = OPS.map((op) => new BoundIndex(words, size, op));
  const usdRules = emptySet(words);
  const walletFree = emptySet(words);
  const lazy: { condition: CompiledCondition; rules: Bitset }[] = [];
  const lazyByKey = new Map<string, number>();
  const lazyOf: number[][] = [];
  rules.forEach((rule, i) => {
    const w = rule.when;
    for (const k of KINDS) if (!w.kinds || w.kinds.includes(k)) setBit(kinds.get(k)!, i);
    if (w.chains) for (const c of w.chains) chains.add(c, i);
    else setBit(chains.unconstrained, i);
    if (w.assets) for (const a of w.assets) assets.add(a, i);
    else setBit(assets.unconstrained, i);
    if (w.initiator) {
      for (const u of w.initiator.users ?? []) initiatorUsers.add(u, i);
      for (const g of w.initiator.groups ?? []) initiatorGroups.add(g, i);
    } else setBit(initiatorUsers.unconstrained, i);
    if (w.vault) vault.add(w.vault, i);
    if (w.wallet) wallet.add(w.wallet, i);
    else setBit(walletFree, i);
    OPS.forEach((op, j) => {
      const a = w.amount?.[op];
      if (a !== undefined) amount[j]!.add(BigInt(a), i);
      const u = w.amountUsd?.[op];
      if (u !== undefined) usd[j]!.add(parseUsdMicros(u), i);
    });
    if (w.amountUsd) setBit(usdRules, i);
    const ids: number[] = [];
    for (const { key, condition } of lazyConditions(rule, i)) {
      let id = lazyByKey.get(key);
      if (id === undefined) {
        id = lazy.length;
        lazyByKey.set(key, id);
        lazy.push({ condition, rules: emptySet(words) });
      }
      setBit(lazy[id]!.rules, i);
      ids.push(id);
    }
    lazyOf.push(ids);
  });
  for (const b of [...amount, ...usd]) b.finish();
  return {
    size,
    words,
    kinds,
    chains,
    assets,
    initiatorUsers,
    initiatorGroups,
    vault,
    wallet,
    walletFree,
    amount: amount.filter((b) => !b.empty),
    usd: usd.filter((b) => !b.empty),
    usdRules,
    hasUsd: usd.some((b) => !b.empty),
    lazy,
    lazyOf,
    all: fullSet(size),
    scratch: emptySet(words),
  };
}

/** The dedup key of a lazy condition: its kind and canonical spec. */
export function lazyKey(kind: string, spec: unknown): string {
  return `${kind}:${canonicalJson(spec)}`;
}

/**
 * The rules whose indexed conditions all hold for `request` (given the initiator's groups and,
 * when known, the request's USD value). Rules whose only problem is an unknown USD value stay
 * alive; the caller marks them with `usdRules`.
 */
export function indexedCandidates(
  index: RuleIndex,
  request: PolicyRequest,
  initiatorGroups: ReadonlySet<string>,
  usdMicros: bigint | null,
): Bitset {
  const alive = index.all.slice();
  const scratch = index.scratch;
  const words = index.words;
  const kindSet = index.kinds.get(request.kind)!;
  for (let w = 0; w < words; w++) alive[w]! &= kindSet[w]!;
  restrictKey(alive, index.chains, request.chain, scratch);
  restrictKey(alive, index.assets, request.asset?.id, scratch);
  // initiator: unconstrained, listed user, or one of the user's groups
  scratch.set(index.initiatorUsers.unconstrained);
  const byUser = index.initiatorUsers.get(request.initiator);
  if (byUser) orInto(scratch, byUser);
  for (const g of initiatorGroups) {
    const s = index.initiatorGroups.get(g);
    if (s) orInto(scratch, s);
  }
  for (let w = 0; w < words; w++) alive[w]! &= scratch[w]!;
  index.vault.restrict(alive, request.vault, scratch);
  if (request.wallet) index.wallet.restrict(alive, request.wallet, scratch);
  else for (let w = 0; w < words; w++) alive[w]! &= index.walletFree[w]!;
  for (const b of index.amount) b.restrict(alive, request.amount);
  if (usdMicros !== null) for (const b of index.usd) b.restrict(alive, usdMicros);
  return alive;
}

function restrictKey(alive: Bitset, index: KeyIndex, key: string | undefined, scratch: Bitset): void {
  scratch.set(index.unconstrained);
  if (key !== undefined) {
    const s = index.get(key);
    if (s) orInto(scratch, s);
  }
  for (let w = 0; w < alive.length; w++) alive[w]! &= scratch[w]!;
}
