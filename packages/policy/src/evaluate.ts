// The evaluator (§3): one pure, deterministic function of (compiled policy, request, intent,
// ledger, prices, now). Rules are tried in order; the first whose conditions all hold decides;
// nothing matched → BLOCK. No clock, no randomness, no I/O: `now` is an input, so every node
// and any auditor replaying history reach the same decision.
import {
  type CompiledCondition,
  type EvalFacts,
  isUnavailable,
  type MatchResult,
} from './conditions/condition.ts';
import { effectiveRiskLevel } from './conditions/intent.ts';
import { andNotInto, hasBit, nextBit } from './bitset.ts';
import { usdOf } from './conditions/amount.ts';
import { type CompiledPolicy, type CompiledRule, groupsOfUser } from './compile.ts';
import { indexedCandidates } from './rule-index.ts';
import type { ApprovalRequirement, Decision } from './decision.ts';
import type { VelocityLedger } from './ledger.ts';
import { type IntentFacts, NO_PRICES, type PolicyRequest, type PriceSnapshot } from './request.ts';

export interface EvaluateParameters {
  request: PolicyRequest;
  intent: IntentFacts;
  ledger: VelocityLedger;
  /** Needed by USD conditions; without it they fail closed. */
  prices?: PriceSnapshot;
  /** Evaluation instant, ms since the epoch (on the signing path: request.submittedAt). */
  now: number;
  /**
   * Build the human explanation (default true). Bulk tools (what-if diff) pass false and
   * explain only the decisions they show; the explanation is not part of the decision core.
   */
  explain?: boolean;
}

function factsFor(policy: CompiledPolicy, p: EvaluateParameters): EvalFacts {
  return {
    request: p.request,
    intent: p.intent,
    ledger: p.ledger,
    prices: p.prices ?? NO_PRICES,
    now: p.now,
    initiatorGroups: groupsOfUser(policy, p.request.initiator),
    local: new Map(),
    velocity: new Map(),
  };
}

/**
 * The facts, the rules the index leaves as candidates, and why USD conditions are unavailable
 * (null when the policy has none or the USD amount is known).
 */
function candidatesFor(policy: CompiledPolicy, p: EvaluateParameters) {
  const f = factsFor(policy, p);
  let usdMicros: bigint | null = null;
  let usdReason: string | null = null;
  if (policy.index.hasUsd) {
    const v = usdOf(f, policy.ctx);
    if (v.ok) usdMicros = v.usdMicros;
    else usdReason = v.reason;
  }
  return { f, usdReason, alive: indexedCandidates(policy.index, p.request, f.initiatorGroups, usdMicros) };
}

function intentUnavailable(intent: IntentFacts): boolean {
  return effectiveRiskLevel(intent) === 'unknown';
}

/** Evaluates one rule's conditions: false dominates, then unavailable, else true. */
function testRule(rule: CompiledRule, f: EvalFacts): MatchResult {
  let unavailable: MatchResult | null = null;
  for (const c of rule.conditions) {
    const r = c.test(f);
    if (r === false) return false;
    if (r !== true && unavailable === null) unavailable = r;
  }
  return unavailable ?? true;
}

/**
 * Whether rule `index` alone matches (ignoring rule order and the intent gate). For tests and
 * tooling: the decision's rule is always the first rule for which this is not false (§3).
 */
export function matchRule(policy: CompiledPolicy, index: number, p: EvaluateParameters): MatchResult {
  return testRule(policy.rules[index]!, factsFor(policy, p));
}

/**
 * Every rule's match result computed through the rule index (the path evaluate() takes), for
 * tooling ("which rules matched?") and for the tests that check the index against matchRule().
 */
export function matchAllRules(policy: CompiledPolicy, p: EvaluateParameters): MatchResult[] {
  const { f, usdReason, alive } = candidatesFor(policy, p);
  const index = policy.index;
  const memo = index.lazy.map(() => null as MatchResult | null);
  return policy.rules.map((_, i) => {
    if (!hasBit(alive, i)) return false;
    let result: MatchResult =
      usdReason !== null && hasBit(index.usdRules, i) ? { unavailable: usdReason } : true;
    for (const id of index.lazyOf[i]!) {
      memo[id] ??= index.lazy[id]!.condition.test(f);
      const m = memo[id]!;
      if (m === false) return false;
      if (m !== true && result === true) result = m;
    }
    return result;
  });
}

/** Whether a matchRule result says a needed fact was unavailable (the rule fails closed). */
export function isUnavailableResult(r: MatchResult): r is { unavailable: string } {
  return isUnavailable(r);
}

/**
 * Evaluates `request` under `policy`: the first rule (in order) whose conditions all hold
 * decides; a rule that needs an unavailable fact blocks (fail closed); allow and
 * require_approvals rules are skipped while the intent is unknown unless they set
 * intent.allowUnavailable; nothing matched → BLOCK. Uses the rule index (rule-index.ts) and
 * decides exactly as trying every rule with matchRule() in order would.
 * Never throws for valid inputs; never reads a clock.
 */
export function evaluate(policy: CompiledPolicy, p: EvaluateParameters): Decision {
  const { f, usdReason, alive } = candidatesFor(policy, p);
  const index = policy.index;
  const gate = intentUnavailable(p.intent);
  let gatedSkips = 0;
  let firstGated: string | null = null;
  // lazy condition results: 0 not evaluated, 1 true, 2 false, 3 unavailable
  const memo = new Uint8Array(index.lazy.length);
  const reasons: string[] = [];
  for (let i = nextBit(alive, 0); i >= 0; i = nextBit(alive, i + 1)) {
    let unavailable = usdReason !== null && hasBit(index.usdRules, i) ? usdReason : null;
    let dead = false;
    for (const id of index.lazyOf[i]!) {
      let m = memo[id]!;
      if (m === 0) {
        const lazy = index.lazy[id]!;
        const r = lazy.condition.test(f);
        m = r === true ? 1 : r === false ? 2 : 3;
        memo[id] = m;
        if (m === 2)
          andNotInto(alive, lazy.rules); // every rule using it is out
        else if (m === 3) reasons[id] = (r as { unavailable: string }).unavailable;
      }
      if (m === 2) {
        dead = true;
        break;
      }
      if (m === 3 && unavailable === null) unavailable = reasons[id]!;
    }
    if (dead) continue;
    const rule = policy.rules[i]!;
    if (unavailable !== null) {
      return {
        outcome: 'block',
        code: 'FACTS_UNAVAILABLE',
        ruleId: rule.id,
        ruleIndex: rule.index,
        reason: unavailable,
        approvals: null,
        policyHash: policy.policyHash,
        evaluatedAt: p.now,
        explanation: `blocked (fail closed): rule "${rule.id}" (#${rule.index + 1}) needs a fact that is unavailable: ${unavailable}`,
      };
    }
    if (gate && rule.gatedOnIntent) {
      gatedSkips++;
      firstGated ??= rule.id;
      continue;
    }
    return decide(policy, rule, f, p.explain !== false);
  }
  const gated =
    gatedSkips > 0
      ? `; ${gatedSkips} rule(s) that would have matched (first: "${firstGated}") were skipped because the simulation was unavailable or the risk unknown and they do not set intent.allowUnavailable`
      : '';
  return {
    outcome: 'block',
    code: 'NO_RULE_MATCHED',
    ruleId: null,
    ruleIndex: null,
    reason: gatedSkips > 0 ? 'simulation unavailable or risk unknown' : 'no rule matched',
    approvals: null,
    policyHash: policy.policyHash,
    evaluatedAt: p.now,
    explanation: `blocked: no rule matched (implicit final BLOCK)${gated}`,
  };
}

function why(rule: CompiledRule, f: EvalFacts): string {
  const parts = rule.conditions.map((c: CompiledCondition) => c.describe(f));
  return parts.length ? parts.join('; ') : 'it has no conditions';
}

function decide(policy: CompiledPolicy, rule: CompiledRule, f: EvalFacts, explain: boolean): Decision {
  const head = explain ? `rule "${rule.id}" (#${rule.index + 1}) matched: ${why(rule, f)}` : '';
  const base = { ruleId: rule.id, ruleIndex: rule.index, policyHash: policy.policyHash, evaluatedAt: f.now };
  const a = rule.action;
  if (a.type === 'allow') {
    return {
      ...base,
      outcome: 'allow',
      code: 'RULE_ALLOW',
      reason: null,
      approvals: null,
      explanation: `allowed: ${head}`,
    };
  }
  if (a.type === 'block') {
    return {
      ...base,
      outcome: 'block',
      code: 'RULE_BLOCK',
      reason: a.reason,
      approvals: null,
      explanation: `blocked: ${head}; reason: ${a.reason}`,
    };
  }
  const approvals: ApprovalRequirement = {
    mode: a.mode,
    groups: a.groups.map((g) => ({ group: g.group, threshold: g.threshold })),
    initiatorMayApprove: a.initiatorMayApprove ?? false,
    expiresAt: f.request.submittedAt + a.expiresInSeconds * 1000,
  };
  const quorum = approvals.groups
    .map((g) => `${g.group} >= ${g.threshold}`)
    .join(a.mode === 'all' ? ' AND ' : ' OR ');
  return {
    ...base,
    outcome: 'require_approvals',
    code: 'RULE_REQUIRE_APPROVALS',
    reason: null,
    approvals,
    explanation: `approvals required (${quorum}${approvals.initiatorMayApprove ? ', initiator may approve' : ', initiator may not approve'}; within ${a.expiresInSeconds} s): ${head}`,
  };
}
