// The coordinator's audit entries (docs/audit.md "Entries"), one builder per custody event. Pure:
// each takes what the coordinator knows and returns a typed @cairn/audit EntryInput; the trail
// (audit-trail.ts) adds `prev` references and appends them.
//
// Mapping of request states to entry kinds (docs/coordinator-wiring.md "Audit"):
//   received                                  request.received
//   simulated                                 intent.reported
//   pending_approval | approved | rejected    policy.decided (with every input, replayable)
//     (by policy)
//   (an approval arrives)                     approval.recorded
//   signing (each attempt, each chosen node)  signjob.accepted  — dispatched to that node
//   rejected by a node                        signjob.refused   — node, code, reason
//   failed before a signature (expired,       signjob.refused   — node "coordinator"
//     not enough signers, approvals expired…)
//   signed                                    signature.produced
//   broadcast                                 tx.broadcast
//   confirmed | failed (reverted)             tx.confirmed (status success | reverted)
//   failed after signing (broadcast refused)  signjob.refused   — node "coordinator"
//   vault ready                               key.generated
//   governance change                         policy.changed (+ membership / address-book entries)
import type { EntryInput, JsonValue } from '@cairn/audit';
import { canonicalJson } from '@cairn/audit';
import type { ChangeOp, GovernedState, LedgerEntry } from '@cairn/policy';
import { decisionCore } from '@cairn/policy';
import type { DecisionRecord } from '../policy/policy-store.ts';
import type { IntentRecord } from '../intent/intent-store.ts';

/** The policy id under which governed states are logged (one governed state per deployment). */
export const POLICY_ID = 'cairn-governed-state';

const hexOf = (value: string) => value.replace(/^0x/i, '').toLowerCase();

const iso = (ms: number) => new Date(ms).toISOString();

/** Plain JSON (no floats, no undefined) or null: what an entry may carry. */
export function asJson(value: unknown): JsonValue | null {
  try {
    const text = canonicalJson(value as JsonValue);
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

export function requestReceived(p: {
  actor: string;
  requestId: string;
  vaultId: string;
  initiator: string;
  signedRequest: unknown;
  bodyDigest: string;
}): EntryInput {
  // A request whose typed data carries non-canonical JSON (floats) is logged by its digest.
  const request = asJson(p.signedRequest) ?? { bodyDigest: p.bodyDigest };
  return {
    kind: 'request.received',
    actor: p.actor,
    data: { requestId: p.requestId, vaultId: p.vaultId, initiator: p.initiator, request },
  };
}

export function intentReported(actor: string, r: IntentRecord): EntryInput {
  const intent = {
    digest: r.digest,
    simulated: r.simulated,
    status: r.status,
    errorCode: r.errorCode,
    facts: r.facts,
    report: r.report === null ? null : (asJson(r.report) ?? { unencodable: true }),
  };
  return {
    kind: 'intent.reported',
    actor,
    data: {
      requestId: r.requestId,
      riskLevel: r.facts.riskLevel,
      findings: r.facts.findingIds,
      intent: asJson(intent) ?? null,
    },
  };
}

/**
 * A decision with everything the pure evaluator read (request, intent facts, the ledger entries
 * that can affect it, the evaluation instant), so `cairn audit replay` can re-derive it.
 */
export function policyDecided(p: {
  actor: string;
  decision: DecisionRecord;
  state: GovernedState | null;
  ledger: readonly LedgerEntry[];
}): EntryInput {
  const d = p.decision;
  const relevant = p.ledger.filter(
    (e) =>
      e.vaultId === d.policyRequest.vault.id ||
      e.initiator === d.policyRequest.initiator ||
      (e.destination !== null &&
        d.policyRequest.destination !== undefined &&
        e.destination.endsWith(d.policyRequest.destination.address.toLowerCase())),
  );
  return {
    kind: 'policy.decided',
    actor: p.actor,
    data: {
      requestId: d.requestId,
      policy: { id: POLICY_ID, version: p.state?.version ?? 0, hash: hexOf(d.policyHash) },
      outcome: asJson(decisionCore(d.decision)) ?? null,
      inputs: {
        request: asJson(d.policyRequest) ?? null,
        intent: asJson(d.intentFacts) ?? null,
        ledger: relevant.map((e) => ({
          ...e,
          amount: e.amount.toString(),
          usdMicros: e.usdMicros === null ? null : e.usdMicros.toString(),
        })),
        now: iso(d.decision.evaluatedAt),
      },
    },
  };
}

export function approvalRecorded(p: {
  actor: string;
  requestId: string;
  approverId: string;
  verdict: 'approve' | 'reject';
  signature: { type: string; signature: string };
}): EntryInput {
  const sig = p.signature.type === 'ed25519' ? p.signature.signature : base64UrlToHex(p.signature.signature);
  return {
    kind: 'approval.recorded',
    actor: p.actor,
    data: {
      requestId: p.requestId,
      approver: p.approverId,
      verdict: p.verdict,
      method: p.signature.type,
      signature: hexOf(sig),
    },
  };
}

function base64UrlToHex(s: string): string {
  return Buffer.from(s, 'base64url').toString('hex') || '00';
}

export function signJobDispatched(p: {
  actor: string;
  requestId: string;
  jobId: string;
  node: string;
}): EntryInput {
  return {
    kind: 'signjob.accepted',
    actor: p.actor,
    data: { requestId: p.requestId, jobId: p.jobId, node: p.node },
  };
}

export function signJobRefused(p: {
  actor: string;
  requestId: string;
  jobId: string;
  node: string;
  code: string;
  reason: string;
}): EntryInput {
  return {
    kind: 'signjob.refused',
    actor: p.actor,
    data: {
      requestId: p.requestId,
      jobId: p.jobId,
      node: p.node,
      code: p.code,
      reason: p.reason.slice(0, 4096),
    },
  };
}

/** The signature as hex: r ‖ s ‖ yParity for ECDSA, the bytes for Schnorr. */
export function signatureHex(signature: unknown): string {
  const s = signature as { r?: string; s?: string; yParity?: number; bytes?: string } | null;
  if (s?.r && s.s) return `${hexOf(s.r).padStart(64, '0')}${hexOf(s.s).padStart(64, '0')}0${s.yParity ?? 0}`;
  if (s?.bytes) return hexOf(s.bytes);
  return '00';
}

export function signatureProduced(p: {
  actor: string;
  requestId: string;
  jobId: string;
  keyId: string;
  scheme: string;
  signature: unknown;
}): EntryInput {
  return {
    kind: 'signature.produced',
    actor: p.actor,
    data: {
      requestId: p.requestId,
      jobId: p.jobId,
      keyId: p.keyId,
      scheme: p.scheme,
      signature: signatureHex(p.signature),
    },
  };
}

export function txBroadcast(p: {
  actor: string;
  requestId: string;
  chainId: number;
  txHash: string;
}): EntryInput {
  return {
    kind: 'tx.broadcast',
    actor: p.actor,
    data: { requestId: p.requestId, chain: `eip155:${p.chainId}`, txHash: hexOf(p.txHash) },
  };
}

export function txConfirmed(p: {
  actor: string;
  requestId: string;
  chainId: number;
  txHash: string;
  block: number;
  status: 'success' | 'reverted';
}): EntryInput {
  return {
    kind: 'tx.confirmed',
    actor: p.actor,
    data: {
      requestId: p.requestId,
      chain: `eip155:${p.chainId}`,
      txHash: hexOf(p.txHash),
      block: p.block,
      status: p.status,
    },
  };
}

export function keyGenerated(p: {
  actor: string;
  keyId: string;
  scheme: string;
  threshold: number;
  parties: readonly number[];
  publicKey: string;
}): EntryInput {
  return {
    kind: 'key.generated',
    actor: p.actor,
    data: {
      keyId: p.keyId,
      scheme: p.scheme,
      threshold: p.threshold,
      parties: p.parties.map((x) => `party-${x}`),
      publicKey: hexOf(p.publicKey),
    },
  };
}

/**
 * A new governed state: `policy.changed` with the whole state (replay compiles it), then one
 * membership or address-book entry per op that changed users, groups or the address book.
 */
export function governedStateChanged(p: {
  actor: string;
  state: GovernedState;
  hash: string;
  approvedBy: readonly string[];
  ops?: readonly ChangeOp[];
  changeId?: string;
}): EntryInput[] {
  const approvedBy = [...p.approvedBy];
  const entries: EntryInput[] = [
    {
      kind: 'policy.changed',
      actor: p.actor,
      data: {
        policyId: POLICY_ID,
        version: p.state.version,
        hash: hexOf(p.hash),
        document: asJson(p.state) ?? null,
        approvedBy,
      },
    },
  ];
  const change = p.changeId ?? `v${p.state.version}`;
  for (const op of p.ops ?? []) {
    switch (op.op) {
      case 'upsert_user':
        entries.push({
          kind: 'membership.changed',
          actor: p.actor,
          data: {
            change,
            member: op.user.id,
            role: op.user.roles.join(',').slice(0, 256) || 'none',
            approvedBy,
          },
        });
        break;
      case 'remove_user':
        entries.push({
          kind: 'membership.changed',
          actor: p.actor,
          data: { change, member: op.id, role: 'removed', approvedBy },
        });
        break;
      case 'upsert_group':
        entries.push({
          kind: 'membership.changed',
          actor: p.actor,
          data: { change, member: `group:${op.group.id}`, role: 'group', approvedBy },
        });
        break;
      case 'remove_group':
        entries.push({
          kind: 'membership.changed',
          actor: p.actor,
          data: { change, member: `group:${op.id}`, role: 'removed', approvedBy },
        });
        break;
      case 'upsert_address':
        entries.push({
          kind: 'addressbook.changed',
          actor: p.actor,
          data: { change, address: asJson(op.entry) ?? null, approvedBy },
        });
        break;
      case 'remove_address':
        entries.push({
          kind: 'addressbook.changed',
          actor: p.actor,
          data: { change, address: { removed: op.id }, approvedBy },
        });
        break;
      default:
        break;
    }
  }
  return entries;
}
