// Turns every custody state change of a request into audit entries (mapping in
// custody-entries.ts): the lifecycle calls `transitioned` after each persisted transition, and the
// API calls `approval` for each recorded approval. Entries of a request are chained by `prev`.
import type { IntentStore } from '../intent/intent-store.ts';
import type { CoordinatorPolicy } from '../policy/coordinator-policy.ts';
import type { ApprovalRecord } from '../policy/policy-store.ts';
import type { RequestState } from '../requests/states.ts';

/** The lifecycle states, including the policy and approval states (issue 5–7). */
type LifecycleState = RequestState | 'simulated' | 'pending_approval' | 'approved';
import type { RequestRecord } from '../store/request-store.ts';
import type { VaultRecord } from '../store/vault-store.ts';
import type { AuditTrail } from './audit-trail.ts';
import {
  approvalRecorded,
  governedStateChanged,
  intentReported,
  keyGenerated,
  policyDecided,
  requestReceived,
  signatureProduced,
  signJobDispatched,
  signJobRefused,
  txBroadcast,
  txConfirmed,
} from './custody-entries.ts';

export interface RequestAuditorParameters {
  trail: AuditTrail;
  intents: IntentStore | null;
  policy: CoordinatorPolicy | null;
  findVault: (vaultId: string) => VaultRecord | null;
  /** party id → node id. */
  nodeOf: (partyId: number) => string;
}

/** The job id of a signing attempt in audit entries (the session id is not persisted). */
export function jobIdOf(requestId: string, attempt: number): string {
  return `${requestId}/attempt-${attempt}`;
}

export class RequestAuditor {
  readonly trail: AuditTrail;
  readonly #p: RequestAuditorParameters;

  constructor(p: RequestAuditorParameters) {
    this.#p = p;
    this.trail = p.trail;
  }

  /** Records the entries of a persisted transition into `to` (record = the state after it). */
  transitioned(r: RequestRecord, from: LifecycleState | null, to: LifecycleState): void {
    const actor = this.trail.actor;
    const id = r.requestId;
    const record = (input: Parameters<AuditTrail['record']>[1]) => void this.trail.record(id, input);
    switch (to) {
      case 'received':
        record(
          requestReceived({
            actor,
            requestId: id,
            vaultId: r.vaultId,
            initiator: r.initiator,
            signedRequest: r.signedRequest,
            bodyDigest: r.bodyDigest,
          }),
        );
        return;
      case 'simulated': {
        const intent = this.#p.intents?.get(id);
        if (intent) record(intentReported(actor, intent));
        return;
      }
      case 'pending_approval':
      case 'approved':
        if (from === 'simulated') this.#decided(r);
        return;
      case 'signing': {
        const attempt = r.attempts;
        for (const party of r.signers ?? []) {
          record(
            signJobDispatched({
              actor,
              requestId: id,
              jobId: jobIdOf(id, attempt),
              node: this.#p.nodeOf(party),
            }),
          );
        }
        return;
      }
      case 'signed': {
        if (r.kind !== 'evm.transaction') queueMicrotask(() => this.#finished(id));
        const vault = this.#p.findVault(r.vaultId);
        record(
          signatureProduced({
            actor,
            requestId: id,
            jobId: jobIdOf(id, r.attempts),
            keyId: vault?.keyId ?? r.vaultId,
            scheme: vault?.scheme ?? 'unknown',
            signature: r.signature,
          }),
        );
        return;
      }
      case 'broadcast':
        if (r.txHash) record(txBroadcast({ actor, requestId: id, chainId: r.chainId, txHash: r.txHash }));
        return;
      case 'confirmed':
      case 'failed':
      case 'rejected': {
        const receipt = r.receipt as { blockNumber?: string; status?: string } | null;
        if (r.txHash && receipt?.blockNumber !== undefined) {
          record(
            txConfirmed({
              actor,
              requestId: id,
              chainId: r.chainId,
              txHash: r.txHash,
              block: Number(receipt.blockNumber),
              status: receipt.status === 'success' ? 'success' : 'reverted',
            }),
          );
        } else if (to !== 'confirmed') {
          if (from === 'simulated') this.#decided(r);
          // A refusal by a policy block or an approver is already in the decision/approval
          // entries; everything else ends the sign job here.
          if (r.errorCode !== 'POLICY_BLOCKED' && r.errorCode !== 'APPROVAL_REJECTED') {
            const node = /^signer node (\S+) refused/.exec(r.errorMessage ?? '')?.[1] ?? 'coordinator';
            record(
              signJobRefused({
                actor,
                requestId: id,
                jobId: jobIdOf(id, r.attempts),
                node,
                code: r.errorCode ?? 'FAILED',
                reason: r.errorMessage ?? '',
              }),
            );
          }
        }
        this.#finished(id);
        return;
      }
    }
  }

  /** A request reached its end: checkpoint (cosigned by every node) once its entries are in. */
  #finished(requestId: string): void {
    this.trail.finish(requestId);
    this.trail.checkpoint().catch(() => {
      // logged by the trail; the periodic checkpoint retries
    });
  }

  #decided(r: RequestRecord): void {
    const policy = this.#p.policy;
    const d = policy?.store.decision(r.requestId);
    if (!policy || !d) return;
    void this.trail.record(
      r.requestId,
      policyDecided({
        actor: this.trail.actor,
        decision: d,
        state: policy.history.byHash(d.policyHash),
        ledger: policy.store.ledgerEntries().filter((e) => e.requestId !== r.requestId),
      }),
    );
  }

  /** An approval (or rejection) recorded for a request. */
  approval(a: ApprovalRecord): void {
    void this.trail.record(
      a.requestId,
      approvalRecorded({
        actor: this.trail.actor,
        requestId: a.requestId,
        approverId: a.approverId,
        verdict: a.verdict,
        signature: a.signed.signature as { type: string; signature: string },
      }),
    );
  }

  /** A vault whose key generation finished. */
  keyGenerated(v: VaultRecord): void {
    if (!v.publicKey) return;
    void this.trail.record(
      null,
      keyGenerated({
        actor: this.trail.actor,
        keyId: v.keyId ?? v.vaultId,
        scheme: v.scheme,
        threshold: v.threshold,
        parties: v.parties,
        publicKey: v.publicKey,
      }),
    );
  }

  /** A governed state became the head (genesis on first start, or an applied change). */
  governance(p: Parameters<typeof governedStateChanged>[0]): void {
    void this.trail.recordAll(null, governedStateChanged(p));
  }
}
