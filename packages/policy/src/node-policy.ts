// The policy side of a signer node in one object (docs/policy.md §7): the node's accepted
// governance history, its own velocity ledger, and the sign-job check, taking untrusted JSON
// as relayed by the coordinator and never throwing for bad input.
import { type CompiledPolicy, compileState } from './compile.ts';
import { PolicyError } from './errors.ts';
import { GovernanceHistory, verifyGenesis } from './governance.ts';
import type { LedgerEntry, VelocityLedger } from './ledger.ts';
import { MemoryLedger } from './ledger.ts';
import { SqliteLedger } from './ledger-sqlite.ts';
import {
  type IntentFacts,
  NO_PRICES,
  type PolicyRequest,
  type PriceSnapshot,
  parseIntentFacts,
  parsePolicyRequest,
  parsePriceSnapshot,
} from './request.ts';
import { checkSignJob, type SignJobClaim, type SignJobVerdict } from './sign-job.ts';
import type { GovernedState } from './state.ts';

/** A ledger the node can also write to. */
export interface WritableLedger extends VelocityLedger {
  record(entry: LedgerEntry): void;
}

export interface OpenNodePolicyParameters {
  /** The signed genesis the node was provisioned with ({ state, signatures }). */
  genesis: unknown;
  /** Signed changes accepted so far, oldest first (replayed and re-verified). */
  changes?: readonly unknown[];
  /** node:sqlite file for the velocity ledger; omit for an in-memory ledger (tests). */
  ledgerPath?: string;
  /** Or a ledger of the caller's own. */
  ledger?: WritableLedger;
}

/** The untrusted policy part of a sign job, as JSON. */
export interface SignJobPolicyInput {
  /** PolicyRequest JSON (the node has verified the initiator's signature over it). */
  request: unknown;
  /** IntentFacts JSON (the node's own simulation, or a verified attestation). */
  intent: unknown;
  /** The intent digest approvals bind, if the intent engine provides its own. */
  intentDigest?: string;
  /** PriceSnapshot JSON used for the decision. */
  prices?: unknown;
  claim: SignJobClaim;
}

export class NodePolicy {
  readonly history: GovernanceHistory;
  readonly ledger: WritableLedger;

  private constructor(history: GovernanceHistory, ledger: WritableLedger) {
    this.history = history;
    this.ledger = ledger;
  }

  /**
   * Verifies the genesis, replays the accepted changes (signatures and chaining re-verified;
   * time checks skipped, they were made when each change was first applied) and opens the ledger.
   * Throws PolicyError when the genesis or a change does not verify: a node must not start on
   * an unverifiable policy.
   */
  static open(p: OpenNodePolicyParameters): NodePolicy {
    const history = new GovernanceHistory(verifyGenesis(p.genesis));
    for (const c of p.changes ?? []) history.apply(c, 0, { replay: true });
    const ledger = p.ledger ?? (p.ledgerPath ? new SqliteLedger(p.ledgerPath) : new MemoryLedger());
    return new NodePolicy(history, ledger);
  }

  /** The current head state and its compiled policy. */
  get head(): GovernedState {
    return this.history.head;
  }

  compiledHead(): CompiledPolicy {
    return compileState(this.history.head);
  }

  /** Accepts a signed change now (full checks, including activation time). Throws PolicyError. */
  applyChange(signed: unknown, now: number): GovernedState {
    return this.history.apply(signed, now);
  }

  /** Checks a relayed sign job. Never throws: bad input is a MALFORMED_JOB refusal. */
  check(job: SignJobPolicyInput, now: number): SignJobVerdict {
    let request: PolicyRequest;
    let intent: IntentFacts;
    let prices: PriceSnapshot;
    try {
      request = parsePolicyRequest(job.request);
      intent = parseIntentFacts(job.intent);
      prices = job.prices === undefined ? NO_PRICES : parsePriceSnapshot(job.prices);
    } catch (e) {
      const message = e instanceof PolicyError ? e.message : 'unreadable sign job';
      return { ok: false, refusal: { code: 'MALFORMED_JOB', message } };
    }
    if (typeof job.claim !== 'object' || job.claim === null || typeof job.claim.policyHash !== 'string') {
      return { ok: false, refusal: { code: 'MALFORMED_JOB', message: 'the job carries no policy claim' } };
    }
    return checkSignJob({
      states: this.history,
      ledger: this.ledger,
      request,
      intent,
      intentDigest: job.intentDigest,
      prices,
      claim: job.claim,
      now,
    });
  }

  /** Records a signed request in the velocity ledger (call after the signature is produced). */
  recordSigned(verdict: Extract<SignJobVerdict, { ok: true }>): void {
    this.ledger.record(verdict.ledgerEntry);
  }
}
