// The node's accepted governed state (docs/policy.md §5; issue 6 "Governance"): the admin-signed
// genesis it was provisioned with and every admin-quorum-signed change it has accepted, kept in
// the node's own database, plus its own velocity ledger. On start the genesis and the changes are
// re-verified and replayed (a stored change that no longer replays to its recorded hash stops the
// node); a new change is verified against the current head (base version and hash, the admin
// quorum of the base state, activation time) and persisted before it takes effect. Changes apply
// to requests submitted at or after their activation; a node accepts nothing else.
import type { DatabaseSync } from 'node:sqlite';
import { canonicalize } from '@cairn/canonical';
import {
  applyChange,
  type ChangeOp,
  changeDigest,
  countAdminSignatures,
  type GovernanceHistory,
  type GovernedState,
  ledgerEntryFor,
  NO_PRICES,
  NodePolicy,
  type PolicyRequest,
  PolicyError,
  SignedChange,
  type SignJobVerdict,
  stateHash,
  type VelocityLedger,
} from '@cairn/policy';
import { JobRefusedError } from './refusal.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS policy_genesis (
  id INTEGER PRIMARY KEY CHECK (id = 1), signed TEXT NOT NULL, state_hash TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS policy_changes (
  version INTEGER PRIMARY KEY, signed TEXT NOT NULL, state_hash TEXT NOT NULL,
  accepted_at INTEGER NOT NULL) STRICT;
`;

/** A governance problem that stops the node at start (its stored policy cannot be trusted). */
export class GovernanceStartError extends Error {
  readonly code: 'POLICY_GENESIS_MISMATCH' | 'POLICY_STORE_INVALID';
  constructor(code: GovernanceStartError['code'], message: string) {
    super(message);
    this.name = 'GovernanceStartError';
    this.code = code;
  }
}

/** What an accepted change did, for the audit log and the API response. */
export interface AcceptedChange {
  state: GovernedState;
  /** Policy hash of the new state (bare hex, as @cairn/policy computes it). */
  hash: string;
  previousHash: string;
  ops: readonly ChangeOp[];
  /** The admins whose valid signatures carried the change. */
  approvedBy: string[];
}

export interface OpenGovernanceParameters {
  db: DatabaseSync;
  /** The admin-signed genesis from the node's config ({ state, signatures }); pinned on first use. */
  genesis?: unknown;
  /** node:sqlite file of the node's own velocity ledger. */
  ledgerPath: string;
}

export class GovernanceStore {
  readonly #db: DatabaseSync;
  readonly #policy: NodePolicy;

  private constructor(db: DatabaseSync, policy: NodePolicy) {
    this.#db = db;
    this.#policy = policy;
  }

  /**
   * Opens the node's governance state. Returns null when the node has neither a configured nor a
   * stored genesis (no policy). Throws GovernanceStartError or PolicyError when what is configured
   * or stored does not verify: a node must not start on a policy it cannot trust.
   */
  static open(p: OpenGovernanceParameters): GovernanceStore | null {
    p.db.exec(SCHEMA);
    const stored = p.db.prepare('SELECT signed, state_hash FROM policy_genesis WHERE id = 1').get() as
      | { signed: string; state_hash: string }
      | undefined;
    if (!stored && p.genesis === undefined) return null;
    if (
      stored &&
      p.genesis !== undefined &&
      canonicalize(JSON.parse(stored.signed)) !== canonicalize(p.genesis)
    ) {
      throw new GovernanceStartError(
        'POLICY_GENESIS_MISMATCH',
        'the configured policy genesis differs from the one this node was provisioned with; policy changes go through POST /v1/policy/changes',
      );
    }
    const genesis: unknown = stored ? JSON.parse(stored.signed) : p.genesis;
    const rows = p.db
      .prepare('SELECT version, signed, state_hash FROM policy_changes ORDER BY version')
      .all() as { version: number; signed: string; state_hash: string }[];
    const policy = NodePolicy.open({
      genesis,
      changes: rows.map((r) => JSON.parse(r.signed) as unknown),
      ledgerPath: p.ledgerPath,
    });
    const states = policy.history.states();
    const genesisHash = stateHash(states[0]!);
    if (stored && stored.state_hash !== genesisHash)
      throw new GovernanceStartError(
        'POLICY_STORE_INVALID',
        'the stored genesis does not hash to its recorded hash',
      );
    rows.forEach((r, i) => {
      const state = states[i + 1]!;
      if (state.version !== r.version || stateHash(state) !== r.state_hash) {
        throw new GovernanceStartError(
          'POLICY_STORE_INVALID',
          `stored policy change ${r.version} does not replay to its recorded hash`,
        );
      }
    });
    if (!stored) {
      p.db
        .prepare('INSERT INTO policy_genesis (id, signed, state_hash) VALUES (1, ?, ?)')
        .run(canonicalize(genesis), genesisHash);
    }
    return new GovernanceStore(p.db, policy);
  }

  get history(): GovernanceHistory {
    return this.#policy.history;
  }

  get ledger(): VelocityLedger {
    return this.#policy.ledger;
  }

  get head(): GovernedState {
    return this.#policy.head;
  }

  /** Version, hash and activation of the head state (GET /v1/policy). */
  status(): { version: number; hash: string; activatedAt: number; versions: number; ledgerEntries: number } {
    return {
      version: this.head.version,
      hash: this.history.headHash,
      activatedAt: this.head.activatedAt,
      versions: this.history.states().length,
      ledgerEntries: (this.#policy.ledger as { size?: number }).size ?? 0,
    };
  }

  /**
   * Verifies an admin-signed change against the head and persists it before it takes effect
   * (POST /v1/policy/changes). Throws JobRefusedError with POLICY_<code> (POLICY_BASE_MISMATCH,
   * POLICY_INSUFFICIENT_SIGNATURES, POLICY_ACTIVATION_INVALID, POLICY_INVALID_CHANGE, …).
   */
  applyChange(signed: unknown, nowMs: number): AcceptedChange {
    const base = this.head;
    const previousHash = this.history.headHash;
    let next: GovernedState;
    try {
      next = applyChange({ state: base, signed, now: nowMs });
    } catch (error) {
      if (error instanceof PolicyError)
        throw new JobRefusedError(`POLICY_${error.code}`, error.message.split('\n')[0]!, 'policy-change');
      throw error;
    }
    const parsed = SignedChange.parse(signed);
    const hash = stateHash(next);
    this.#db
      .prepare('INSERT INTO policy_changes (version, signed, state_hash, accepted_at) VALUES (?, ?, ?, ?)')
      .run(next.version, canonicalize(signed), hash, nowMs);
    // The same verification again, on the in-memory history (deterministic for the same `now`).
    this.#policy.applyChange(parsed, nowMs);
    const { admins } = countAdminSignatures(base, changeDigest(parsed.change), parsed.signatures);
    return { state: next, hash, previousHash, ops: parsed.change.ops, approvedBy: admins };
  }

  /** Closes the ledger's database (the node database belongs to the node). */
  close(): void {
    (this.#policy.ledger as { close?: () => void }).close?.();
  }

  /**
   * Records a request other nodes signed (its signature verified by the caller) in this node's
   * velocity ledger, valued as the signers valued it (no price snapshot). Returns false when no
   * policy was active at its submission. Idempotent; a conflicting entry throws PolicyError.
   */
  recordSignedElsewhere(request: PolicyRequest): boolean {
    const state = this.history.activeAt(request.submittedAt);
    if (!state) return false;
    this.#policy.ledger.record(ledgerEntryFor(request, NO_PRICES, state.policy.pricing.maxAgeSeconds));
    return true;
  }

  /** Records a signed request in the node's velocity ledger (after the signature is produced). */
  recordSigned(verdict: Extract<SignJobVerdict, { ok: true }>): void {
    this.#policy.recordSigned(verdict);
  }
}
