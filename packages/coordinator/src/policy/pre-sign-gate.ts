// What happens to a request between its admission and its first sign job (ARCHITECTURE §3):
// simulate and judge it (intent), decide it under the policy active at its submission time, and
// then block it, wait for approvals, or let it be signed. The gate computes; the orchestrator
// moves the request through its states and sends the sign jobs, which carry the intent, the
// decision, the approvals and the policy hash for every node to re-check on its own.
//
// Without a configured policy the gate lets every request through (the signer nodes still decide
// on their own); with one, an intent that could not be established blocks unless a rule grants
// the fallback (docs/policy.md §3 rule 3): fail closed.
import type { SignedRequest } from '@cairn/node';
import type { QuorumResult } from '@cairn/policy';
import type { IntentRecord } from '../intent/intent-store.ts';
import { type IntentService, UNANALYSED } from '../intent/intent-service.ts';
import type { CoordinatorPolicy } from './coordinator-policy.ts';
import type { DecisionRecord } from './policy-store.ts';
import { type AssetDecimals, policyRequestOf, RequestFactsError } from './request-facts.ts';

export interface GateRequest {
  requestId: string;
  signedRequest: SignedRequest;
}

export interface GateVault {
  vaultId: string;
  address: string | null;
  initiators: readonly { id: string; publicKey: string }[];
}

/** Where a decided request goes next. */
export type GateRoute =
  | { route: 'sign'; decision: DecisionRecord | null }
  | { route: 'await_approvals'; decision: DecisionRecord; quorum: QuorumResult }
  | { route: 'block'; code: string; message: string; decision: DecisionRecord | null };

/** Where a request waiting for approvals stands. */
export type ApprovalRoute =
  | { route: 'approved'; quorum: QuorumResult }
  | { route: 'pending'; quorum: QuorumResult }
  | { route: 'rejected'; quorum: QuorumResult }
  | { route: 'expired'; quorum: QuorumResult };

/** The optional SignJob fields (docs/agents/SIGNING-PATH.md "SignJob"). */
export interface SignJobClaims {
  intent?: unknown;
  decision?: unknown;
  approvals?: unknown[];
  policyHash?: string;
}

export interface PreSignGateParameters {
  policy: CoordinatorPolicy | null;
  intent: IntentService | null;
  assetDecimals?: AssetDecimals;
}

export class PreSignGate {
  readonly policy: CoordinatorPolicy | null;
  readonly intent: IntentService | null;
  readonly #assetDecimals: AssetDecimals | undefined;

  constructor(p: PreSignGateParameters) {
    this.policy = p.policy;
    this.intent = p.intent;
    this.#assetDecimals = p.assetDecimals;
  }

  /** Simulates and judges the request (never throws for simulator trouble: fail closed). */
  async analyze(r: GateRequest, vault: GateVault, nowMs: number): Promise<IntentRecord | null> {
    if (!this.intent) return null;
    const existing = this.intent.store.get(r.requestId);
    if (existing) return existing;
    const signer = (vault.address ?? '0x0000000000000000000000000000000000000000') as `0x${string}`;
    return this.intent.analyze({ request: r.signedRequest, signer, nowMs });
  }

  /** Decides the request (once; a stored decision is reused after a restart) and routes it. */
  decide(r: GateRequest, vault: GateVault, nowMs: number): GateRoute {
    if (!this.policy) return { route: 'sign', decision: null };
    let d = this.policy.store.decision(r.requestId);
    if (!d) {
      let request: ReturnType<typeof policyRequestOf>;
      try {
        request = policyRequestOf({
          request: r.signedRequest,
          initiators: vault.initiators,
          ...(this.#assetDecimals ? { assetDecimals: this.#assetDecimals } : {}),
        });
      } catch (error) {
        if (error instanceof RequestFactsError)
          return { route: 'block', code: 'NOT_INITIATOR', message: error.message, decision: null };
        throw error;
      }
      const facts = this.intent?.store.get(r.requestId)?.facts ?? UNANALYSED;
      d = this.policy.decide({ request, intent: facts, nowMs });
    }
    return this.route(d, nowMs);
  }

  route(d: DecisionRecord, nowMs: number): GateRoute {
    switch (d.decision.outcome) {
      case 'allow':
        return { route: 'sign', decision: d };
      case 'block':
        return {
          route: 'block',
          code: 'POLICY_BLOCKED',
          message: d.decision.explanation || d.decision.reason || 'blocked by policy',
          decision: d,
        };
      case 'require_approvals':
        return { route: 'await_approvals', decision: d, quorum: this.policy!.quorum(d.requestId, nowMs)! };
    }
  }

  /** Where a request waiting for approvals stands now. */
  approvalRoute(requestId: string, nowMs: number): ApprovalRoute | null {
    const quorum = this.policy?.quorum(requestId, nowMs);
    if (!quorum) return null;
    switch (quorum.status) {
      case 'satisfied':
        return { route: 'approved', quorum };
      case 'pending':
        return { route: 'pending', quorum };
      case 'rejected':
        return { route: 'rejected', quorum };
      case 'expired':
        return { route: 'expired', quorum };
    }
  }

  /** The approval deadline of a request waiting for approvals (ms), if any. */
  approvalDeadline(requestId: string): number | null {
    return this.policy?.store.decision(requestId)?.decision.approvals?.expiresAt ?? null;
  }

  /**
   * What the sign jobs of a request carry besides the signed request: the intent (facts, report
   * digest and report), the decision, the collected approvals and the policy hash (0x-hex).
   */
  claims(requestId: string): SignJobClaims {
    const out: SignJobClaims = {};
    const intent = this.intent?.store.get(requestId);
    if (intent) out.intent = { facts: intent.facts, digest: intent.digest, report: intent.report };
    const d = this.policy?.store.decision(requestId);
    if (d) {
      out.decision = d.decision;
      out.approvals = this.policy!.approvalsFor(requestId);
      out.policyHash = `0x${d.policyHash}`;
    }
    return out;
  }
}
