// The coordinator's view of the policy (ARCHITECTURE §3, docs/policy.md §3, §5–7): the governed
// state history it has accepted, the pure evaluator run at each request's submission time, the
// approvals collected for it, and the velocity ledger of what was signed. The coordinator decides
// only so that it can route a request (block, wait for approvals, or sign) and attach the decision
// to the sign job; every node re-derives it under its own state and ledger and refuses a mismatch.
import {
  type ApprovalBinding,
  type ApprovalProblemCode,
  approvalDigest,
  type CompiledPolicy,
  compileState,
  type Decision,
  evaluate,
  evaluateQuorum,
  GovernanceHistory,
  type GovernedState,
  type IntentFacts,
  intentDigest,
  ledgerEntryFor,
  MemoryLedger,
  NO_PRICES,
  type PolicyRequest,
  PolicyError,
  type PriceSnapshot,
  type QuorumResult,
  requestDigest,
  requestFromJson,
  requestToJson,
  type SignedApproval,
  stateHash,
  verifyApproval,
  verifyGenesis,
} from '@cairn/policy';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ApprovalRecord, DecisionRecord, PolicyStore } from './policy-store.ts';

/** What an approval must be bound to (docs/policy.md §6): shown to approvers by the API. */
export type { ApprovalBinding } from '@cairn/policy';

/** Why the coordinator refuses an approval: no decision needs one, or it fails verification. */
export type ApprovalRefusalCode = 'NO_DECISION' | 'APPROVALS_NOT_REQUIRED' | ApprovalProblemCode;

/** An approval the coordinator will not record, with a stable code. */
export class ApprovalRefusedError extends Error {
  readonly code: ApprovalRefusalCode;
  constructor(code: ApprovalRefusalCode, message: string) {
    super(message);
    this.name = 'ApprovalRefusedError';
    this.code = code;
  }
}

export interface ApprovalOutcome {
  /** False when the very same statement had already been recorded. */
  recorded: boolean;
  approval: ApprovalRecord;
  quorum: QuorumResult;
}

export interface OpenCoordinatorPolicyParameters {
  store: PolicyStore;
  /** The admin-signed genesis ({ state, signatures }) every node is provisioned with. */
  genesis: unknown;
}

export class CoordinatorPolicy {
  readonly store: PolicyStore;
  readonly history: GovernanceHistory;
  readonly ledger: MemoryLedger;
  readonly #compiled = new WeakMap<GovernedState, CompiledPolicy>();

  private constructor(store: PolicyStore, history: GovernanceHistory, ledger: MemoryLedger) {
    this.store = store;
    this.history = history;
    this.ledger = ledger;
  }

  /**
   * Verifies the genesis and replays the changes accepted earlier (signatures and hash chain
   * re-verified). Throws PolicyError when any of it does not verify: no policy, no signing.
   */
  static open(p: OpenCoordinatorPolicyParameters): CoordinatorPolicy {
    const history = new GovernanceHistory(verifyGenesis(p.genesis));
    for (const c of p.store.changes()) {
      history.apply(c.signed, 0, { replay: true });
      if (history.headHash !== c.stateHash) {
        throw new PolicyError(
          'INVALID_STATE',
          `stored change ${history.head.version} does not replay to its hash`,
        );
      }
    }
    return new CoordinatorPolicy(p.store, history, new MemoryLedger(p.store.ledgerEntries()));
  }

  get head(): GovernedState {
    return this.history.head;
  }

  get headHash(): string {
    return this.history.headHash;
  }

  compiled(state: GovernedState): CompiledPolicy {
    let c = this.#compiled.get(state);
    if (!c) {
      c = compileState(state);
      this.#compiled.set(state, c);
    }
    return c;
  }

  /** The state a request submitted at `t` is evaluated under (null before genesis activates). */
  stateAt(t: number): GovernedState | null {
    return this.history.activeAt(t);
  }

  /**
   * Decides a request at its submission time (docs/policy.md §3.1) and records the decision with
   * its inputs. A request submitted before any state was active is blocked (fail closed).
   */
  decide(p: {
    request: PolicyRequest;
    intent: IntentFacts;
    prices?: PriceSnapshot;
    nowMs: number;
  }): DecisionRecord {
    const state = this.stateAt(p.request.submittedAt);
    let decision: Decision;
    let policyHash: string;
    if (!state) {
      policyHash = stateHash(this.history.states()[0]!);
      decision = {
        outcome: 'block',
        code: 'NO_RULE_MATCHED',
        ruleId: null,
        ruleIndex: null,
        reason: 'no policy was active when the request was submitted',
        approvals: null,
        policyHash,
        evaluatedAt: p.request.submittedAt,
        explanation: 'Blocked: no policy was active when the request was submitted.',
      };
    } else {
      const policy = this.compiled(state);
      policyHash = policy.policyHash;
      decision = evaluate(policy, {
        request: p.request,
        intent: p.intent,
        ledger: this.ledger,
        prices: p.prices ?? NO_PRICES,
        now: p.request.submittedAt,
      });
    }
    const record: DecisionRecord = {
      requestId: p.request.id,
      policyRequest: requestToJson(p.request),
      intentFacts: p.intent,
      intentDigest: intentDigest(p.intent),
      decision,
      policyHash,
      decidedAtMs: p.nowMs,
    };
    this.store.putDecision(record);
    return record;
  }

  /** What approvals for this request must be bound to. */
  binding(d: DecisionRecord): ApprovalBinding {
    return {
      requestId: d.requestId,
      requestDigest: requestDigest(policyRequestFrom(d)),
      intentDigest: d.intentDigest,
      policyHash: d.policyHash,
    };
  }

  /**
   * Verifies an approval statement against the request's binding (so one replayed from another
   * request, simulation result or policy version is refused), records it, and returns the quorum
   * over every approval recorded so far. Throws ApprovalRefusedError.
   */
  submitApproval(p: { requestId: string; approval: unknown; nowMs: number }): ApprovalOutcome {
    const d = this.store.decision(p.requestId);
    if (!d)
      throw new ApprovalRefusedError('NO_DECISION', `request ${p.requestId} has no policy decision yet`);
    if (d.decision.outcome !== 'require_approvals') {
      throw new ApprovalRefusedError(
        'APPROVALS_NOT_REQUIRED',
        `request ${p.requestId} was decided ${d.decision.outcome}; it takes no approvals`,
      );
    }
    const state = this.history.byHash(d.policyHash);
    if (!state) throw new ApprovalRefusedError('NO_DECISION', `policy ${d.policyHash} is unknown`);
    const v = verifyApproval({
      approval: p.approval,
      binding: this.binding(d),
      context: state,
      now: p.nowMs,
    });
    if (!v.ok) throw new ApprovalRefusedError(v.code, v.message);
    const signed = p.approval as SignedApproval;
    const approval: ApprovalRecord = {
      requestId: p.requestId,
      statementDigest: bytesToHex(approvalDigest(v.statement)),
      approverId: v.statement.approverId,
      verdict: v.statement.decision,
      signed: { statement: v.statement, signature: signed.signature },
      receivedAtMs: p.nowMs,
    };
    const recorded = this.store.addApproval(approval);
    return { recorded, approval, quorum: this.quorum(p.requestId, p.nowMs)! };
  }

  /** The quorum status over the approvals recorded for a request (null without a requirement). */
  quorum(requestId: string, nowMs: number): QuorumResult | null {
    const d = this.store.decision(requestId);
    const state = d ? this.history.byHash(d.policyHash) : null;
    if (!d || !state || !d.decision.approvals) return null;
    return evaluateQuorum({
      requirement: d.decision.approvals,
      statements: this.store.approvals(requestId).map((a) => a.signed.statement),
      initiator: d.policyRequest.initiator,
      groupsOf: this.compiled(state).groupsOf,
      submittedAt: policyRequestFrom(d).submittedAt,
      now: nowMs,
    });
  }

  /** The signed approvals a sign job carries. */
  approvalsFor(requestId: string): SignedApproval[] {
    return this.store.approvals(requestId).map((a) => a.signed);
  }

  /**
   * Accepts an admin-signed governance change (docs/policy.md §5) and persists it. Throws
   * PolicyError (BASE_MISMATCH, INSUFFICIENT_SIGNATURES, ACTIVATION_INVALID, …).
   */
  applyChange(signed: unknown, nowMs: number): GovernedState {
    const next = this.history.apply(signed, nowMs);
    this.store.addChange(signed, this.history.headHash, nowMs);
    return next;
  }

  /** Records a signed request in the velocity ledger (as every node does after signing). */
  recordSigned(requestId: string, prices: PriceSnapshot = NO_PRICES): void {
    const d = this.store.decision(requestId);
    const state = d ? this.history.byHash(d.policyHash) : null;
    if (!d || !state || this.ledger.has(requestId)) return;
    const entry = ledgerEntryFor(policyRequestFrom(d), prices, state.policy.pricing.maxAgeSeconds);
    if (this.store.addLedgerEntry(entry)) this.ledger.record(entry);
  }
}

/** The PolicyRequest of a stored decision. */
export function policyRequestFrom(d: DecisionRecord): PolicyRequest {
  return requestFromJson(d.policyRequest);
}
