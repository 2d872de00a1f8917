// Replay protection for signed statements (sign requests, keygen jobs), persisted in the node's
// own database so it survives restarts. A nonce belongs to exactly one statement (by digest);
// once a node has produced a signature for it, every further job carrying it is refused. A job
// whose session aborted (a peer vanished, a timeout) may be retried under a fresh session id,
// which is how the coordinator recovers from a dead signer; a session id is never reused.
import type { DatabaseSync } from 'node:sqlite';

export type ReplayKind = 'sign' | 'keygen';
export type ReplayState = 'in-progress' | 'aborted' | 'completed';

export type ReserveOutcome =
  | {
      ok: true /** A still-running session of the same request that this one replaces. */;
      supersedes: string | null;
    }
  | { ok: false; message: string };

interface Row {
  nonce: string;
  kind: string;
  digest: string;
  request_id: string;
  state: ReplayState;
  session_id: string;
}

export class ReplayGuard {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
    // A session that was running when the process stopped can never complete.
    this.#db.prepare("UPDATE seen_nonces SET state = 'aborted' WHERE state = 'in-progress'").run();
  }

  /**
   * Atomically checks and records that `sessionId` now works on the statement with `nonce`.
   * The node is single-threaded and node:sqlite is synchronous, so check-then-write is atomic.
   */
  reserve(params: {
    kind: ReplayKind;
    nonce: string;
    digest: string;
    requestId: string;
    sessionId: string;
    expiresAt: number;
    now: number;
  }): ReserveOutcome {
    const bySession = this.#db
      .prepare('SELECT nonce FROM seen_nonces WHERE session_id = ?')
      .get(params.sessionId) as { nonce: string } | undefined;
    if (bySession && bySession.nonce !== params.nonce)
      return { ok: false, message: `session id ${params.sessionId} was already used for another statement` };
    const row = this.#db.prepare('SELECT * FROM seen_nonces WHERE nonce = ?').get(params.nonce) as
      | Row
      | undefined;
    if (!row) {
      this.#db
        .prepare(
          'INSERT INTO seen_nonces (nonce, kind, digest, request_id, state, session_id, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          params.nonce,
          params.kind,
          params.digest,
          params.requestId,
          'in-progress',
          params.sessionId,
          params.expiresAt,
          params.now,
        );
      return { ok: true, supersedes: null };
    }
    if (row.kind !== params.kind || row.digest !== params.digest)
      return {
        ok: false,
        message: `nonce ${params.nonce} was already used by another ${row.kind} statement`,
      };
    if (row.state === 'completed')
      return {
        ok: false,
        message: `${params.kind} statement ${params.requestId} was already completed by this node`,
      };
    if (row.session_id === params.sessionId)
      return { ok: false, message: `session ${params.sessionId} was already run for ${params.requestId}` };
    const supersedes = row.state === 'in-progress' ? row.session_id : null;
    this.#db
      .prepare("UPDATE seen_nonces SET state = 'in-progress', session_id = ?, updated_at = ? WHERE nonce = ?")
      .run(params.sessionId, params.now, params.nonce);
    return { ok: true, supersedes };
  }

  /** Records how the session ended (ignored when another session has since taken over the nonce). */
  finish(nonce: string, sessionId: string, state: 'aborted' | 'completed', now: number): void {
    this.#db
      .prepare('UPDATE seen_nonces SET state = ?, updated_at = ? WHERE nonce = ? AND session_id = ?')
      .run(state, now, nonce, sessionId);
  }

  /** Forgets nonces whose statements expired long ago (they are refused as expired anyway). */
  purgeExpired(now: number, graceSeconds = 3600): number {
    const result = this.#db.prepare('DELETE FROM seen_nonces WHERE expires_at < ?').run(now - graceSeconds);
    return Number(result.changes);
  }
}
