// Persistence of sign requests and their state history. All writes are single SQL statements or
// explicit transactions, so a crash leaves every request in exactly one recorded state.
import type { DatabaseSync } from 'node:sqlite';
import type { SignedRequest } from '@cairn/node';
import { canTransition, type RequestState } from '../requests/states.ts';

export interface RequestRecord {
  requestId: string;
  initiator: string;
  idempotencyKey: string;
  bodyDigest: string;
  vaultId: string;
  kind: SignedRequest['body']['kind'];
  chainId: number;
  txNonce: number | null;
  signedRequest: SignedRequest;
  state: RequestState;
  errorCode: string | null;
  errorMessage: string | null;
  signers: number[] | null;
  signature: unknown;
  rawTx: `0x${string}` | null;
  txHash: `0x${string}` | null;
  receipt: unknown;
  attempts: number;
  receivedAtMs: number;
  signedAtMs: number | null;
  updatedAtMs: number;
}

export interface RequestEvent {
  seq: number;
  state: RequestState;
  atMs: number;
  detail: string | null;
}

export interface RequestUpdate {
  errorCode?: string | null;
  errorMessage?: string | null;
  signers?: number[];
  signature?: unknown;
  rawTx?: string;
  txHash?: string;
  receipt?: unknown;
  attempts?: number;
  signedAtMs?: number;
}

export class StateTransitionError extends Error {
  readonly code = 'STATE_CONFLICT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'StateTransitionError';
  }
}

type Row = Record<string, string | number | null>;

function fromRow(row: Row): RequestRecord {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(String(v)));
  return {
    requestId: String(row.request_id),
    initiator: String(row.initiator),
    idempotencyKey: String(row.idempotency_key),
    bodyDigest: String(row.body_digest),
    vaultId: String(row.vault_id),
    kind: String(row.kind) as RequestRecord['kind'],
    chainId: Number(row.chain_id),
    txNonce: row.tx_nonce === null ? null : Number(row.tx_nonce),
    signedRequest: json(row.signed_request),
    state: String(row.state) as RequestState,
    errorCode: row.error_code === null ? null : String(row.error_code),
    errorMessage: row.error_message === null ? null : String(row.error_message),
    signers: json(row.signers),
    signature: json(row.signature),
    rawTx: row.raw_tx === null ? null : (String(row.raw_tx) as `0x${string}`),
    txHash: row.tx_hash === null ? null : (String(row.tx_hash) as `0x${string}`),
    receipt: json(row.receipt),
    attempts: Number(row.attempts),
    receivedAtMs: Number(row.received_at_ms),
    signedAtMs: row.signed_at_ms === null ? null : Number(row.signed_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

export type InsertOutcome =
  | { outcome: 'created'; record: RequestRecord }
  | { outcome: 'duplicate'; record: RequestRecord }
  | { outcome: 'idempotency-conflict'; record: RequestRecord }
  | { outcome: 'replayed' }
  | { outcome: 'request-id-taken' };

/** Called after a state change is committed: `from` is null for the insert (state `received`). */
export type TransitionListener = (record: RequestRecord, from: RequestState | null, to: RequestState) => void;

export class RequestStore {
  readonly db: DatabaseSync;
  /** Called after every committed state change (long-polling clients wait on it). */
  private readonly watchers = new Map<string, Set<() => void>>();
  /** Observers of every committed state change (the audit trail). */
  private readonly listeners: TransitionListener[] = [];

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /**
   * Persists a newly admitted request in state `received`, atomically with its nonce (replay
   * protection) and its first event. Idempotency is per initiator: the same key with the same
   * body returns the stored request; with another body it is a conflict.
   */
  insert(params: { request: SignedRequest; bodyDigest: string; nowMs: number }): InsertOutcome {
    const { request, bodyDigest, nowMs } = params;
    const body = request.body;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const existing = this.db
        .prepare('SELECT * FROM requests WHERE initiator = ? AND idempotency_key = ?')
        .get(request.initiator, body.idempotencyKey) as Row | undefined;
      if (existing) {
        this.db.exec('ROLLBACK');
        const record = fromRow(existing);
        return record.bodyDigest === bodyDigest
          ? { outcome: 'duplicate', record }
          : { outcome: 'idempotency-conflict', record };
      }
      const seen = this.db
        .prepare('SELECT 1 FROM seen_nonces WHERE initiator = ? AND nonce = ?')
        .get(request.initiator, body.nonce);
      if (seen) {
        this.db.exec('ROLLBACK');
        return { outcome: 'replayed' };
      }
      const taken = this.db.prepare('SELECT 1 FROM requests WHERE request_id = ?').get(body.requestId);
      if (taken) {
        this.db.exec('ROLLBACK');
        return { outcome: 'request-id-taken' };
      }
      this.db
        .prepare('INSERT INTO seen_nonces (initiator, nonce, expires_at) VALUES (?, ?, ?)')
        .run(request.initiator, body.nonce, body.expiresAt);
      this.db
        .prepare(
          `INSERT INTO requests (request_id, initiator, idempotency_key, body_digest, vault_id, kind, chain_id,
             tx_nonce, signed_request, state, received_at_ms, updated_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?)`,
        )
        .run(
          body.requestId,
          request.initiator,
          body.idempotencyKey,
          bodyDigest,
          body.vaultId,
          body.kind,
          body.chainId,
          body.transaction?.nonce ?? null,
          JSON.stringify(request),
          nowMs,
          nowMs,
        );
      this.addEvent(body.requestId, 'received', nowMs, null);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    const created = this.get(body.requestId)!;
    this.notify(created, null, 'received');
    return { outcome: 'created', record: created };
  }

  /** Registers an observer of every committed state change. */
  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  private notify(record: RequestRecord, from: RequestState | null, to: RequestState): void {
    for (const l of this.listeners) {
      try {
        l(record, from, to);
      } catch {
        // an observer never breaks the lifecycle
      }
    }
  }

  private addEvent(requestId: string, state: RequestState, atMs: number, detail: string | null): void {
    const next = this.db
      .prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM request_events WHERE request_id = ?')
      .get(requestId) as { seq: number };
    this.db
      .prepare('INSERT INTO request_events (request_id, seq, state, at_ms, detail) VALUES (?, ?, ?, ?, ?)')
      .run(requestId, next.seq, state, atMs, detail);
  }

  get(requestId: string): RequestRecord | null {
    const row = this.db.prepare('SELECT * FROM requests WHERE request_id = ?').get(requestId) as
      | Row
      | undefined;
    return row ? fromRow(row) : null;
  }

  events(requestId: string): RequestEvent[] {
    return (
      this.db
        .prepare('SELECT seq, state, at_ms, detail FROM request_events WHERE request_id = ? ORDER BY seq')
        .all(requestId) as Row[]
    ).map((r) => ({
      seq: Number(r.seq),
      state: String(r.state) as RequestState,
      atMs: Number(r.at_ms),
      detail: r.detail === null ? null : String(r.detail),
    }));
  }

  /**
   * Moves a request from its current state to `to`, with the given field updates, in one
   * transaction. Refuses transitions the lifecycle does not allow (StateTransitionError).
   */
  transition(
    requestId: string,
    to: RequestState,
    update: RequestUpdate = {},
    detail?: string,
  ): RequestRecord {
    const now = Date.now();
    let from: RequestState;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const row = this.db.prepare('SELECT state FROM requests WHERE request_id = ?').get(requestId) as
        | { state: RequestState }
        | undefined;
      if (!row) throw new StateTransitionError(`no request ${requestId}`);
      if (!canTransition(row.state, to)) {
        throw new StateTransitionError(`request ${requestId} cannot move from ${row.state} to ${to}`);
      }
      from = row.state;
      const sets = ['state = ?', 'updated_at_ms = ?'];
      const values: (string | number | null)[] = [to, now];
      const set = (column: string, value: string | number | null) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (update.errorCode !== undefined) set('error_code', update.errorCode);
      if (update.errorMessage !== undefined) set('error_message', update.errorMessage);
      if (update.signers !== undefined) set('signers', JSON.stringify(update.signers));
      if (update.signature !== undefined) set('signature', JSON.stringify(update.signature));
      if (update.rawTx !== undefined) set('raw_tx', update.rawTx);
      if (update.txHash !== undefined) set('tx_hash', update.txHash);
      if (update.receipt !== undefined) set('receipt', JSON.stringify(update.receipt));
      if (update.attempts !== undefined) set('attempts', update.attempts);
      if (update.signedAtMs !== undefined) set('signed_at_ms', update.signedAtMs);
      values.push(requestId);
      this.db.prepare(`UPDATE requests SET ${sets.join(', ')} WHERE request_id = ?`).run(...values);
      this.addEvent(requestId, to, now, detail ?? null);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    const record = this.get(requestId)!;
    this.notify(record, from, to);
    for (const wake of this.watchers.get(requestId) ?? []) wake();
    return record;
  }

  /**
   * Resolves once the request has more than `seenEvents` state events, or after `timeoutMs`
   * (long polling: clients learn about a state change without hammering the API).
   */
  async waitForChange(
    requestId: string,
    seenEvents: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const count = () =>
      (
        this.db.prepare('SELECT COUNT(*) AS n FROM request_events WHERE request_id = ?').get(requestId) as {
          n: number;
        }
      ).n;
    if (count() > seenEvents) return;
    await new Promise<void>((resolve) => {
      const set = this.watchers.get(requestId) ?? new Set();
      this.watchers.set(requestId, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.watchers.delete(requestId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Requests that are not finished (to resume after a restart). */
  listUnfinished(): RequestRecord[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM requests WHERE state IN ('received', 'simulated', 'pending_approval', 'approved', 'signing', 'broadcast')
             OR (state = 'signed' AND kind = 'evm.transaction') ORDER BY received_at_ms`,
        )
        .all() as Row[]
    ).map(fromRow);
  }

  list(params: { vaultId?: string; limit?: number } = {}): RequestRecord[] {
    const limit = Math.min(Math.max(params.limit ?? 50, 1), 500);
    const rows = params.vaultId
      ? this.db
          .prepare('SELECT * FROM requests WHERE vault_id = ? ORDER BY received_at_ms DESC LIMIT ?')
          .all(params.vaultId, limit)
      : this.db.prepare('SELECT * FROM requests ORDER BY received_at_ms DESC LIMIT ?').all(limit);
    return (rows as Row[]).map(fromRow);
  }

  countByState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db
      .prepare('SELECT state, COUNT(*) AS n FROM requests GROUP BY state')
      .all() as Row[]) {
      out[String(r.state)] = Number(r.n);
    }
    return out;
  }

  /**
   * The highest transaction nonce held by this vault's unfinished requests (they will use it);
   * finished ones are either on chain (counted by the chain's pending nonce) or never reached
   * it, so they reserve nothing and leave no nonce gap.
   */
  highestReservedNonce(vaultId: string, chainId: number): number | null {
    const row = this.db
      .prepare(
        `SELECT MAX(tx_nonce) AS n FROM requests WHERE vault_id = ? AND chain_id = ? AND tx_nonce IS NOT NULL
           AND state IN ('received', 'simulated', 'pending_approval', 'approved', 'signing', 'signed', 'broadcast')`,
      )
      .get(vaultId, chainId) as { n: number | null };
    return row.n === null ? null : Number(row.n);
  }

  /** Forgets nonces whose requests have expired (they would be refused as expired anyway). */
  pruneNonces(nowSeconds: number): void {
    this.db.prepare('DELETE FROM seen_nonces WHERE expires_at < ?').run(nowSeconds - 3600);
  }
}
