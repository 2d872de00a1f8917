// What a signer node runs before joining a threshold signature (ARCHITECTURE §3, docs/policy.md
// §7): re-evaluate the policy itself, under its own accepted governed state and its own velocity
// ledger, and compare with what the coordinator relayed. Any disagreement is a typed refusal.
// The coordinator is trusted for nothing here: a forged "allow", a stale policy hash, a missing,
// forged, replayed, rejected or expired approval all end in a refusal with a stable code.
import { z } from 'zod';
import { verifyApproval, type ApprovalProblemCode, type ApprovalStatement } from './approval.ts';
import { type CompiledPolicy, compileState } from './compile.ts';
import { type Decision, decisionDigest } from './decision.ts';
import { evaluate } from './evaluate.ts';
import type { GovernanceHistory } from './governance.ts';
import type { LedgerEntry, VelocityLedger } from './ledger.ts';
import { ledgerEntryFor } from './pricing.ts';
import { evaluateQuorum, type QuorumResult } from './quorum.ts';
import {
  type IntentFacts,
  intentDigest,
  NO_PRICES,
  type PolicyRequest,
  type PriceSnapshot,
  requestDigest,
} from './request.ts';
import type { GovernedState } from './state.ts';

export type SignJobRefusalCode =
  /** The claimed decision or approvals are not well-formed. */
  | 'MALFORMED_JOB'
  /** The request was submitted before this node's first accepted state, or in the future. */
  | 'NO_ACTIVE_POLICY'
  | 'REQUEST_FROM_FUTURE'
  /** An allow decision is only good for a limited time after submission. */
  | 'REQUEST_TOO_OLD'
  /** The job names another policy hash than the state this node has active for the request. */
  | 'POLICY_HASH_MISMATCH'
  /** The claimed decision differs from this node's own evaluation (e.g. a forged allow). */
  | 'DECISION_MISMATCH'
  /** This node's own evaluation blocks the request. */
  | 'BLOCKED'
  /** An approval failed verification (forged, replayed from another request, unknown key…). */
  | 'APPROVAL_INVALID'
  /** A required approver rejected the request. */
  | 'APPROVAL_REJECTED'
  /** The approval window closed. */
  | 'APPROVALS_EXPIRED'
  /** The quorum is not reached. */
  | 'APPROVALS_MISSING';

export interface SignJobRefusal {
  code: SignJobRefusalCode;
  /** For the initiator: what went wrong and what to do. */
  message: string;
  /** This node's own decision, when it got that far. */
  ownDecision?: Decision;
  /** For APPROVAL_INVALID: the approval problem code. */
  approvalCode?: ApprovalProblemCode;
  quorum?: QuorumResult;
}

export type SignJobVerdict =
  | {
      ok: true;
      decision: Decision;
      quorum: QuorumResult | null;
      /** What the node records in its velocity ledger once the signature is produced. */
      ledgerEntry: LedgerEntry;
    }
  | { ok: false; refusal: SignJobRefusal };

/** The policy part of a sign job, as relayed by the (untrusted) coordinator. */
export interface SignJobClaim {
  policyHash: string;
  decision: unknown;
  approvals: readonly unknown[];
}

/** Where a node finds the governed state for a request (GovernanceHistory fits). */
export interface PolicyStateSource {
  activeAt(t: number): GovernedState | null;
}

export interface CheckSignJobParameters {
  states: PolicyStateSource | GovernanceHistory;
  ledger: VelocityLedger;
  /** Facts of the request, after the node verified the initiator's signature over it. */
  request: PolicyRequest;
  intent: IntentFacts;
  /** Digest that approvals bind for the intent (default: intentDigest(intent)). */
  intentDigest?: string;
  prices?: PriceSnapshot;
  claim: SignJobClaim;
  /** The node's clock (ms). */
  now: number;
  /** Tolerated clock skew for a submission time ahead of `now` (default 60 s). */
  maxClockSkewMs?: number;
  /** How long after submission an allow decision may still be signed (default 1 hour). */
  maxAllowAgeMs?: number;
}

const ClaimedDecision = z.strictObject({
  outcome: z.enum(['allow', 'block', 'require_approvals']),
  code: z.string(),
  ruleId: z.string().nullable(),
  ruleIndex: z.int().nullable(),
  reason: z.string().nullable(),
  approvals: z
    .strictObject({
      mode: z.enum(['all', 'any']),
      groups: z.array(z.strictObject({ group: z.string(), threshold: z.int() })),
      initiatorMayApprove: z.boolean(),
      expiresAt: z.int(),
    })
    .nullable(),
  policyHash: z.string(),
  evaluatedAt: z.int(),
  explanation: z.string(),
});

function refuse(
  code: SignJobRefusalCode,
  message: string,
  extra: Partial<SignJobRefusal> = {},
): SignJobVerdict {
  return { ok: false, refusal: { code, message, ...extra } };
}

// Compiled policies per accepted state object (states are never mutated once accepted).
const compiled = new WeakMap<GovernedState, CompiledPolicy>();

function compiledFor(state: GovernedState): CompiledPolicy {
  let c = compiled.get(state);
  if (!c) {
    c = compileState(state);
    compiled.set(state, c);
  }
  return c;
}

/** The node-side policy check of a sign job. Pure given its inputs; never throws for bad claims. */
export function checkSignJob(p: CheckSignJobParameters): SignJobVerdict {
  const r = p.request;
  if (r.submittedAt > p.now + (p.maxClockSkewMs ?? 60_000)) {
    return refuse(
      'REQUEST_FROM_FUTURE',
      `the request is dated ${new Date(r.submittedAt).toISOString()}, ahead of this node's clock`,
    );
  }
  const state = p.states.activeAt(r.submittedAt);
  if (!state)
    return refuse('NO_ACTIVE_POLICY', 'no accepted policy was active when the request was submitted');
  const policy = compiledFor(state);
  if (p.claim.policyHash !== policy.policyHash) {
    return refuse(
      'POLICY_HASH_MISMATCH',
      `the job was decided under policy ${String(p.claim.policyHash).slice(0, 12)}…, this node has ${policy.policyHash.slice(0, 12)}… (version ${state.version}) active for the request's submission time: stale or unknown policy`,
    );
  }
  // §7 step 2: the node's own evaluation, at the submission instant, with its own ledger.
  const own = evaluate(policy, {
    request: r,
    intent: p.intent,
    ledger: p.ledger,
    prices: p.prices,
    now: r.submittedAt,
  });
  const claimed = ClaimedDecision.safeParse(p.claim.decision);
  if (!claimed.success)
    return refuse('MALFORMED_JOB', 'the claimed decision is malformed', { ownDecision: own });
  let same: boolean;
  try {
    same = decisionDigest(claimed.data as Decision) === decisionDigest(own);
  } catch {
    same = false;
  }
  if (!same) {
    return refuse(
      'DECISION_MISMATCH',
      `the relayed decision (${claimed.data.outcome} by ${claimed.data.ruleId ?? 'no rule'}) differs from this node's evaluation: ${own.explanation}`,
      { ownDecision: own },
    );
  }
  if (own.outcome === 'block') return refuse('BLOCKED', own.explanation, { ownDecision: own });
  const ledgerEntry = ledgerEntryFor(r, p.prices ?? NO_PRICES, policy.policy.pricing.maxAgeSeconds);
  if (own.outcome === 'allow') {
    if (p.now - r.submittedAt > (p.maxAllowAgeMs ?? 3_600_000)) {
      return refuse('REQUEST_TOO_OLD', 'the request was allowed too long ago; submit it again', {
        ownDecision: own,
      });
    }
    return { ok: true, decision: own, quorum: null, ledgerEntry };
  }
  // §7 step 3: approvals, each verified and bound to this very request, intent and policy.
  if (!Array.isArray(p.claim.approvals))
    return refuse('MALFORMED_JOB', 'approvals must be a list', { ownDecision: own });
  if (p.now > own.approvals!.expiresAt) {
    return refuse(
      'APPROVALS_EXPIRED',
      `the approval window closed at ${new Date(own.approvals!.expiresAt).toISOString()}; submit the request again`,
      { ownDecision: own },
    );
  }
  const binding = {
    requestId: r.id,
    requestDigest: requestDigest(r),
    intentDigest: p.intentDigest ?? intentDigest(p.intent),
    policyHash: policy.policyHash,
  };
  const statements: ApprovalStatement[] = [];
  for (const a of p.claim.approvals) {
    const v = verifyApproval({ approval: a, binding, context: state, now: p.now });
    if (!v.ok) return refuse('APPROVAL_INVALID', v.message, { ownDecision: own, approvalCode: v.code });
    statements.push(v.statement);
  }
  const quorum = evaluateQuorum({
    requirement: own.approvals!,
    statements,
    initiator: r.initiator,
    groupsOf: policy.groupsOf,
    submittedAt: r.submittedAt,
    now: p.now,
  });
  if (quorum.status === 'rejected')
    return refuse('APPROVAL_REJECTED', quorum.explanation, { ownDecision: own, quorum });
  if (quorum.status === 'expired')
    return refuse('APPROVALS_EXPIRED', quorum.explanation, { ownDecision: own, quorum });
  if (quorum.status === 'pending')
    return refuse('APPROVALS_MISSING', quorum.explanation, { ownDecision: own, quorum });
  return { ok: true, decision: own, quorum, ledgerEntry };
}

/** For logs and audit entries: a stable one-line summary of a verdict. */
export function describeVerdict(v: SignJobVerdict): string {
  return v.ok
    ? `accepted: ${v.decision.outcome} by ${v.decision.ruleId ?? '-'}`
    : `refused[${v.refusal.code}]: ${v.refusal.message}`;
}
