// Persistence of the coordinator's policy side, in the coordinator's own node:sqlite database:
// the governed changes it has accepted (replayed on start), the decision made for each request
// (with the facts it was made on), the approvals collected for it, and its velocity ledger (what
// was signed). The coordinator's copy is a convenience: every signer node keeps and checks its own.
import type { DatabaseSync } from 'node:sqlite';
import type { Decision, IntentFacts, LedgerEntry, requestToJson, SignedApproval } from '@cairn/policy';

/** A request's policy facts as JSON (amount as a decimal string, submittedAt in ms). */
export type PolicyRequestRecord = ReturnType<typeof requestToJson>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS policy_changes (
  seq INTEGER PRIMARY KEY,
  signed TEXT NOT NULL,
  state_hash TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS request_decisions (
  request_id TEXT PRIMARY KEY,
  policy_request TEXT NOT NULL,
  intent_facts TEXT NOT NULL,
  intent_digest TEXT NOT NULL,
  decision TEXT NOT NULL,
  policy_hash TEXT NOT NULL,
  decided_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS request_approvals (
  request_id TEXT NOT NULL,
  statement_digest TEXT NOT NULL,
  approver_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  signed TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  PRIMARY KEY (request_id, statement_digest)
);
CREATE TABLE IF NOT EXISTS policy_ledger (
  request_id TEXT PRIMARY KEY,
  entry TEXT NOT NULL
);
`;

/** The decision recorded for a request, with everything it was made on. */
export interface DecisionRecord {
  requestId: string;
  policyRequest: PolicyRequestRecord;
  intentFacts: IntentFacts;
  /** The intent digest approvals bind (64 hex). */
  intentDigest: string;
  decision: Decision;
  policyHash: string;
  decidedAtMs: number;
}

export interface ApprovalRecord {
  requestId: string;
  statementDigest: string;
  approverId: string;
  verdict: 'approve' | 'reject';
  signed: SignedApproval;
  receivedAtMs: number;
}

type Row = Record<string, string | number | null>;

export class PolicyStore {
  readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(SCHEMA);
  }

  changes(): { signed: unknown; stateHash: string }[] {
    return (this.db.prepare('SELECT signed, state_hash FROM policy_changes ORDER BY seq').all() as Row[]).map(
      (r) => ({ signed: JSON.parse(String(r.signed)), stateHash: String(r.state_hash) }),
    );
  }

  addChange(signed: unknown, stateHash: string, nowMs: number): void {
    this.db
      .prepare('INSERT INTO policy_changes (signed, state_hash, applied_at_ms) VALUES (?, ?, ?)')
      .run(JSON.stringify(signed), stateHash, nowMs);
  }

  putDecision(d: DecisionRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO request_decisions
           (request_id, policy_request, intent_facts, intent_digest, decision, policy_hash, decided_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.requestId,
        JSON.stringify(d.policyRequest),
        JSON.stringify(d.intentFacts),
        d.intentDigest,
        JSON.stringify(d.decision),
        d.policyHash,
        d.decidedAtMs,
      );
  }

  decision(requestId: string): DecisionRecord | null {
    const r = this.db.prepare('SELECT * FROM request_decisions WHERE request_id = ?').get(requestId) as
      | Row
      | undefined;
    if (!r) return null;
    return {
      requestId,
      policyRequest: JSON.parse(String(r.policy_request)),
      intentFacts: JSON.parse(String(r.intent_facts)),
      intentDigest: String(r.intent_digest),
      decision: JSON.parse(String(r.decision)),
      policyHash: String(r.policy_hash),
      decidedAtMs: Number(r.decided_at_ms),
    };
  }

  /** Stores an approval; false when the same statement was already recorded (idempotent). */
  addApproval(a: ApprovalRecord): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO request_approvals
           (request_id, statement_digest, approver_id, verdict, signed, received_at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(a.requestId, a.statementDigest, a.approverId, a.verdict, JSON.stringify(a.signed), a.receivedAtMs);
    return Number(r.changes) > 0;
  }

  approvals(requestId: string): ApprovalRecord[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM request_approvals WHERE request_id = ? ORDER BY received_at_ms, statement_digest',
        )
        .all(requestId) as Row[]
    ).map((r) => ({
      requestId,
      statementDigest: String(r.statement_digest),
      approverId: String(r.approver_id),
      verdict: String(r.verdict) as 'approve' | 'reject',
      signed: JSON.parse(String(r.signed)),
      receivedAtMs: Number(r.received_at_ms),
    }));
  }

  ledgerEntries(): LedgerEntry[] {
    return (this.db.prepare('SELECT entry FROM policy_ledger').all() as Row[]).map((r) => {
      const e = JSON.parse(String(r.entry));
      return { ...e, amount: BigInt(e.amount), usdMicros: e.usdMicros === null ? null : BigInt(e.usdMicros) };
    });
  }

  /** Records a signed request's ledger entry; false if it was already recorded. */
  addLedgerEntry(e: LedgerEntry): boolean {
    const json = {
      ...e,
      amount: e.amount.toString(),
      usdMicros: e.usdMicros === null ? null : e.usdMicros.toString(),
    };
    const r = this.db
      .prepare('INSERT OR IGNORE INTO policy_ledger (request_id, entry) VALUES (?, ?)')
      .run(e.requestId, JSON.stringify(json));
    return Number(r.changes) > 0;
  }
}
