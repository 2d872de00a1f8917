// compilePolicy: turns a policy document plus its governed context into fast matchers, once.
// Evaluation then walks the rules in order with precomputed sets and cached facts (§3).
import { compileAssets } from './conditions/asset.ts';
import { compileChains } from './conditions/chain.ts';
import type { CompileContext, CompiledCondition } from './conditions/condition.ts';
import { compileDestination } from './conditions/destination.ts';
import { compileInitiator } from './conditions/initiator.ts';
import { compileIntent } from './conditions/intent.ts';
import { compileKinds } from './conditions/kind.ts';
import { compileAmount, compileAmountUsd } from './conditions/amount.ts';
import { compileTags } from './conditions/tags.ts';
import { compileTimeWindow } from './conditions/time-window.ts';
import { compileVelocity } from './conditions/velocity.ts';
import type { Action, PolicyDocument, Rule } from './document.ts';
import { destinationKey } from './ledger.ts';
import { buildRuleIndex, lazyKey, type RuleIndex } from './rule-index.ts';
import {
  type AddressBookEntry,
  documentHash,
  type GovernedState,
  type PolicyContext,
  stateHash,
} from './state.ts';

export interface CompiledRule {
  readonly id: string;
  readonly index: number;
  readonly action: Action;
  /** Cheapest first; the order never changes the result (a false condition dominates). */
  readonly conditions: readonly CompiledCondition[];
  /**
   * True for allow / require_approvals rules without `intent.allowUnavailable`: they cannot
   * match while the simulation is unavailable or the risk unknown (fail closed, §4.10).
   */
  readonly gatedOnIntent: boolean;
}

export interface CompiledPolicy {
  readonly policy: PolicyDocument;
  readonly context: PolicyContext;
  /** Bound by every decision, approval and sign job made under this policy. */
  readonly policyHash: string;
  readonly rules: readonly CompiledRule[];
  /** user id → the groups it belongs to. */
  readonly groupsOf: ReadonlyMap<string, ReadonlySet<string>>;
  readonly ctx: CompileContext;
  /** The rule index evaluate() walks (rule-index.ts). */
  readonly index: RuleIndex;
}

export interface CompilePolicyParameters {
  policy: PolicyDocument;
  context?: PolicyContext;
  /** Defaults to documentHash(policy, context); compileState passes the governed state's hash. */
  policyHash?: string;
}

const EMPTY_CONTEXT: PolicyContext = { addressBook: [], users: [], groups: [] };
const NO_GROUPS: ReadonlySet<string> = new Set();

/** Compiles a validated policy document (see parsePolicyDocument) with its context. */
export function compilePolicy(p: CompilePolicyParameters): CompiledPolicy {
  const context = p.context ?? EMPTY_CONTEXT;
  const addressIndex = new Map<string, AddressBookEntry>();
  for (const e of context.addressBook) addressIndex.set(destinationKey(e.chain, e.address), e);
  const groupsOf = new Map<string, Set<string>>();
  for (const g of context.groups) {
    for (const m of g.members) {
      let s = groupsOf.get(m);
      if (!s) {
        s = new Set();
        groupsOf.set(m, s);
      }
      s.add(g.id);
    }
  }
  const ctx: CompileContext = { policy: p.policy, addressIndex };
  return {
    policy: p.policy,
    context,
    policyHash: p.policyHash ?? documentHash(p.policy, p.context),
    rules: p.policy.rules.map((r, i) => compileRule(r, i, ctx)),
    groupsOf,
    ctx,
    index: buildRuleIndex(p.policy.rules, (rule) => lazyConditionsOf(rule, ctx)),
  };
}

/** Compiles the policy of a governed state; its policy hash is the state hash. */
export function compileState(state: GovernedState): CompiledPolicy {
  return compilePolicy({ policy: state.policy, context: state, policyHash: stateHash(state) });
}

export function groupsOfUser(policy: CompiledPolicy, user: string): ReadonlySet<string> {
  return policy.groupsOf.get(user) ?? NO_GROUPS;
}

/**
 * The conditions the rule index evaluates lazily (deduplicated by key across rules): those that
 * depend on the address book, the intent, the clock or the ledger. Cheapest first.
 */
function lazyConditionsOf(rule: Rule, ctx: CompileContext): { key: string; condition: CompiledCondition }[] {
  const w = rule.when;
  const out: { key: string; condition: CompiledCondition }[] = [];
  if (w.intent) {
    const { allowUnavailable: _gate, ...spec } = w.intent;
    const c = compileIntent(w.intent);
    if (c) out.push({ key: lazyKey('intent', spec), condition: c });
  }
  if (w.time) {
    const spec = { ...w.time, timezone: w.time.timezone ?? ctx.policy.timezone };
    out.push({ key: lazyKey('time', spec), condition: compileTimeWindow(w.time, ctx) });
  }
  if (w.destination)
    out.push({
      key: lazyKey('destination', w.destination),
      condition: compileDestination(w.destination, ctx),
    });
  for (const v of w.velocity ?? []) {
    out.push({
      key: lazyKey('velocity', { ...v, includeCurrent: v.includeCurrent ?? true }),
      condition: compileVelocity(v, ctx),
    });
  }
  return out;
}

function compileRule(rule: Rule, index: number, ctx: CompileContext): CompiledRule {
  const w = rule.when;
  const cs: CompiledCondition[] = [];
  if (w.kinds) cs.push(compileKinds(w.kinds));
  if (w.chains) cs.push(compileChains(w.chains));
  if (w.assets) cs.push(compileAssets(w.assets));
  if (w.vault) cs.push(compileTags('vault', w.vault));
  if (w.wallet) cs.push(compileTags('wallet', w.wallet));
  if (w.initiator) cs.push(compileInitiator(w.initiator));
  if (w.destination) cs.push(compileDestination(w.destination, ctx));
  if (w.amount) cs.push(compileAmount(w.amount));
  if (w.intent) {
    const c = compileIntent(w.intent);
    if (c) cs.push(c);
  }
  if (w.time) cs.push(compileTimeWindow(w.time, ctx));
  if (w.amountUsd) cs.push(compileAmountUsd(w.amountUsd, ctx));
  for (const v of w.velocity ?? []) cs.push(compileVelocity(v, ctx));
  return {
    id: rule.id,
    index,
    action: rule.action,
    conditions: cs,
    gatedOnIntent: rule.action.type !== 'block' && w.intent?.allowUnavailable !== true,
  };
}
