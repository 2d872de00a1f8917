// The decision (§3): the outcome, the deciding rule, the approval requirement, the policy hash
// it was made under and a human explanation. Nodes compare decisions by their core (everything
// but the explanation text), so wording changes never split a cluster.
import { digestHex } from './digest.ts';

export type Outcome = 'allow' | 'block' | 'require_approvals';

export type DecisionCode =
  /** A rule with action allow matched. */
  | 'RULE_ALLOW'
  /** A rule with action block matched. */
  | 'RULE_BLOCK'
  /** A rule with action require_approvals matched. */
  | 'RULE_REQUIRE_APPROVALS'
  /** No rule matched: the implicit final BLOCK. */
  | 'NO_RULE_MATCHED'
  /** A fact a rule needed was missing (stale or missing price, unpriced history): BLOCK. */
  | 'FACTS_UNAVAILABLE';

export interface ApprovalRequirement {
  /** all: AND of the groups (distinct approvers per group); any: OR. */
  mode: 'all' | 'any';
  groups: { group: string; threshold: number }[];
  initiatorMayApprove: boolean;
  /** Approvals and the signature must happen before this instant (ms): submittedAt + expiresInSeconds. */
  expiresAt: number;
}

export interface Decision {
  outcome: Outcome;
  code: DecisionCode;
  /** The deciding rule, or null for the implicit final BLOCK. */
  ruleId: string | null;
  ruleIndex: number | null;
  /** For blocks: the rule's reason or why facts were unavailable. */
  reason: string | null;
  approvals: ApprovalRequirement | null;
  policyHash: string;
  /** The evaluation instant (ms): the request's submission time on the signing path. */
  evaluatedAt: number;
  explanation: string;
}

export type DecisionCore = Omit<Decision, 'explanation'>;

export function decisionCore(d: Decision): DecisionCore {
  const { explanation: _explanation, ...core } = d;
  return core;
}

/** Digest of the decision core: what a sign job carries and every node recomputes. */
export function decisionDigest(d: Decision): string {
  return digestHex('cairn.decision/v1', decisionCore(d));
}

/** Whether two decisions agree on everything that matters (all but the explanation). */
export function sameDecision(a: Decision, b: Decision): boolean {
  return decisionDigest(a) === decisionDigest(b);
}
