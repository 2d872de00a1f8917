// Step "check-policy" (issue 6; ARCHITECTURE §3 "re-evaluate policy (same pure function, own
// ledger) → check approvals"; docs/policy.md §7): the node derives the request's policy facts
// from the initiator-signed request itself, takes its OWN intent facts (check-intent), evaluates
// the policy it has accepted (active at the request's submission time) with its own velocity
// ledger, and refuses a job whose policy hash, decision or approvals disagree.
//
// Refusal codes (visible to the initiator through the coordinator):
//   POLICY_CLAIM_MISSING      the job carries no decision or policy hash
//   POLICY_MALFORMED_JOB      the claimed decision or approvals are not well-formed
//   POLICY_NO_ACTIVE          no accepted policy was active at submission
//   POLICY_REQUEST_FROM_FUTURE, POLICY_REQUEST_TOO_OLD
//   POLICY_HASH_MISMATCH      stale or unknown policy
//   POLICY_DECISION_MISMATCH  e.g. a forged allow, or velocity the coordinator ignored
//   POLICY_BLOCKED            this node's own evaluation blocks
//   APPROVAL_INVALID          an approval does not verify or is bound elsewhere (with its problem code)
//   APPROVAL_REJECTED, APPROVAL_WINDOW_EXPIRED, APPROVAL_MISSING (quorum not reached)
import {
  checkSignJob,
  type GovernanceHistory,
  type SignJobRefusalCode,
  type SignJobVerdict,
  type VelocityLedger,
} from '@cairn/policy';
import { type AssetDecimals, initiatorIdOf, policyRequestFacts } from '../request-facts.ts';
import { UNAVAILABLE_FACTS, type WiredSignJobContext } from './check-intent.ts';
import { OK, type PipelineStep, type RefusalCode, refuse, type SignJobContext } from './step.ts';

/** What the policy step reads: the node's accepted governance history and its own ledger. */
export interface PolicySource {
  readonly history: GovernanceHistory;
  readonly ledger: VelocityLedger;
}

/** A sign-job context after the policy step: the verdict to record in the ledger once signed. */
export interface PolicyCheckedContext extends WiredSignJobContext {
  policyVerdict?: Extract<SignJobVerdict, { ok: true }>;
}

export interface CheckPolicyParameters {
  /** The node's accepted policy; null refuses every job (a node configured for policy without one). */
  policy: () => PolicySource | null;
  /** The node's clock in ms (approval and allow windows). Default Date.now. */
  nowMs?: () => number;
  assetDecimals?: AssetDecimals;
}

/** Node refusal code of a policy refusal (prefixed so it reads as POLICY_* / APPROVAL_*). */
export const POLICY_REFUSAL_CODES: Record<SignJobRefusalCode, RefusalCode> = {
  MALFORMED_JOB: 'POLICY_MALFORMED_JOB',
  NO_ACTIVE_POLICY: 'POLICY_NO_ACTIVE',
  REQUEST_FROM_FUTURE: 'POLICY_REQUEST_FROM_FUTURE',
  REQUEST_TOO_OLD: 'POLICY_REQUEST_TOO_OLD',
  POLICY_HASH_MISMATCH: 'POLICY_HASH_MISMATCH',
  DECISION_MISMATCH: 'POLICY_DECISION_MISMATCH',
  BLOCKED: 'POLICY_BLOCKED',
  APPROVAL_INVALID: 'APPROVAL_INVALID',
  APPROVAL_REJECTED: 'APPROVAL_REJECTED',
  APPROVALS_EXPIRED: 'APPROVAL_WINDOW_EXPIRED',
  APPROVALS_MISSING: 'APPROVAL_MISSING',
};

/** The verdict the policy step stored on the context, if it accepted the job. */
export function policyVerdictOf(ctx: SignJobContext): Extract<SignJobVerdict, { ok: true }> | undefined {
  return (ctx as PolicyCheckedContext).policyVerdict;
}

export function checkPolicy(p: CheckPolicyParameters): PipelineStep {
  const nowMs = p.nowMs ?? Date.now;
  return {
    name: 'check-policy',
    run: (ctx) => {
      const source = p.policy();
      if (!source)
        return refuse('POLICY_NOT_CONFIGURED', 'this node has no accepted policy: it signs nothing');
      const { job, vault } = ctx;
      if (!vault) return refuse('UNKNOWN_VAULT', `vault ${ctx.body.vaultId} does not exist on this node`);
      if (job.policyHash === undefined || job.decision === undefined) {
        return refuse(
          'POLICY_CLAIM_MISSING',
          'the job carries no policy decision or policy hash; every node re-checks them',
        );
      }
      const initiatorId = initiatorIdOf(job.request, vault.initiators);
      if (!initiatorId)
        return refuse(
          'NOT_INITIATOR',
          `key ${job.request.initiator} is not an initiator of vault ${vault.vaultId}`,
        );
      const request = policyRequestFacts(job.request, initiatorId, p.assetDecimals);
      const wired = ctx as PolicyCheckedContext;
      const verdict = checkSignJob({
        states: source.history,
        ledger: source.ledger,
        request,
        intent: wired.intent?.facts ?? UNAVAILABLE_FACTS,
        claim: {
          // Sign jobs carry the policy hash as 0x-hex; @cairn/policy hashes are bare hex.
          policyHash: job.policyHash.slice(2),
          decision: job.decision,
          approvals: job.approvals ?? [],
        },
        now: nowMs(),
      });
      if (!verdict.ok) {
        const r = verdict.refusal;
        const detail = [
          r.approvalCode ? `(${r.approvalCode})` : '',
          r.ownDecision && r.code !== 'DECISION_MISMATCH' && r.code !== 'BLOCKED'
            ? `this node decided ${r.ownDecision.outcome}${r.ownDecision.ruleId ? ` by rule ${r.ownDecision.ruleId}` : ''}`
            : '',
        ]
          .filter(Boolean)
          .join('; ');
        return refuse(POLICY_REFUSAL_CODES[r.code], detail ? `${r.message} ${detail}` : r.message);
      }
      wired.policyVerdict = verdict;
      return OK;
    },
  };
}
