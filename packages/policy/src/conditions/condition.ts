// The shape shared by every compiled condition (docs/policy.md §4). A policy is compiled once
// into closures over precomputed sets, so evaluation does no parsing and no allocation-heavy work.
import type { PolicyDocument } from '../document.ts';
import type { VelocityLedger, WindowTotals } from '../ledger.ts';
import type { UsdValuation } from '../pricing.ts';
import type { IntentFacts, PolicyRequest, PriceSnapshot } from '../request.ts';
import type { AddressBookEntry } from '../state.ts';

/** A fact a condition needs is missing (stale price, unpriced history): the rule fails closed. */
export interface Unavailable {
  unavailable: string;
}

export type MatchResult = boolean | Unavailable;

/** The per-evaluation facts, with lazily filled caches shared by all rules. */
export interface EvalFacts {
  readonly request: PolicyRequest;
  readonly intent: IntentFacts;
  readonly ledger: VelocityLedger;
  readonly prices: PriceSnapshot;
  readonly now: number;
  readonly initiatorGroups: ReadonlySet<string>;
  /** undefined: not resolved yet; null: not in the address book (or no destination). */
  destinationEntry?: AddressBookEntry | null;
  usd?: UsdValuation;
  readonly local: Map<string, LocalTime>;
  readonly velocity: Map<string, WindowTotals>;
}

export interface LocalTime {
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

export interface CompiledCondition {
  readonly kind: string;
  test(facts: EvalFacts): MatchResult;
  /** Why it matched, for the decision's explanation (only called for the deciding rule). */
  describe(facts: EvalFacts): string;
}

/** What conditions may precompute from: the document and the governed context. */
export interface CompileContext {
  readonly policy: PolicyDocument;
  /** destinationKey(chain, address) → entry. */
  readonly addressIndex: ReadonlyMap<string, AddressBookEntry>;
}

export function isUnavailable(r: MatchResult): r is Unavailable {
  return typeof r === 'object';
}

export const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
