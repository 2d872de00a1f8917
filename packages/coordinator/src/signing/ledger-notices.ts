// Velocity-ledger notices (docs/node-wiring.md "Limits", docs/coordinator-wiring.md): every signer
// node evaluates policy with its own ledger, but only the nodes that sign a request record it.
// After a signature the coordinator sends `POST /v1/ledger/signed { request, signature }` to each
// party of the vault that did not sign, so every node's velocity totals agree. Best effort: a
// notice never blocks the request; undelivered notices are persisted (`ledger_notices`) and retried
// on every tick and after a restart. The node verifies everything and records idempotently.
import type { DatabaseSync } from 'node:sqlite';
import type { Counter } from 'prom-client';
import type { Logger } from '../log.ts';
import type { RequestRecord, RequestStore } from '../store/request-store.ts';
import type { VaultStore } from '../store/vault-store.ts';
import { NodeCallError } from './node-client.ts';
import type { NodeHealth } from './node-health.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_notices (
  request_id TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (request_id, party_id)
);
CREATE INDEX IF NOT EXISTS ledger_notices_status ON ledger_notices (status);
`;

/** pending: to (re)send; delivered: the node recorded it; refused: the node said no (final). */
export type LedgerNoticeStatus = 'pending' | 'delivered' | 'refused';

/** Persisted delivery state of ledger notices, one row per (request, non-signing party). */
export class LedgerNoticeStore {
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(SCHEMA);
  }

  /** Adds pending rows for parties not yet known for this request (existing rows are kept). */
  enqueue(
    requestId: string,
    parties: readonly number[],
    nowMs: number,
    status: LedgerNoticeStatus = 'pending',
  ): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO ledger_notices (request_id, party_id, status, updated_at_ms) VALUES (?, ?, ?, ?)',
    );
    for (const p of parties) insert.run(requestId, p, status, nowMs);
  }

  pending(limit: number): { requestId: string; partyId: number }[] {
    return (
      this.db
        .prepare(
          `SELECT request_id, party_id FROM ledger_notices WHERE status = 'pending' ORDER BY updated_at_ms LIMIT ?`,
        )
        .all(limit) as { request_id: string; party_id: number }[]
    ).map((r) => ({ requestId: r.request_id, partyId: r.party_id }));
  }

  settle(
    requestId: string,
    partyId: number,
    status: LedgerNoticeStatus,
    error: string | null,
    nowMs: number,
  ): void {
    this.db
      .prepare(
        `UPDATE ledger_notices SET status = ?, attempts = attempts + 1, last_error = ?, updated_at_ms = ?
           WHERE request_id = ? AND party_id = ?`,
      )
      .run(status, error, nowMs, requestId, partyId);
  }

  status(requestId: string): { partyId: number; status: LedgerNoticeStatus; attempts: number }[] {
    return (
      this.db
        .prepare(
          'SELECT party_id, status, attempts FROM ledger_notices WHERE request_id = ? ORDER BY party_id',
        )
        .all(requestId) as { party_id: number; status: LedgerNoticeStatus; attempts: number }[]
    ).map((r) => ({ partyId: r.party_id, status: r.status, attempts: r.attempts }));
  }

  /**
   * Signed requests with no notice row at all (signed before this store existed, or a crash
   * between the `signed` transition and the enqueue): their notices must still be sent.
   */
  signedWithoutNotices(limit: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT r.request_id FROM requests r
             WHERE r.signature IS NOT NULL AND r.signers IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM ledger_notices n WHERE n.request_id = r.request_id)
             ORDER BY r.received_at_ms LIMIT ?`,
        )
        .all(limit) as { request_id: string }[]
    ).map((r) => r.request_id);
  }
}

export interface LedgerNotifierParameters {
  store: LedgerNoticeStore;
  requests: RequestStore;
  vaults: VaultStore;
  health: NodeHealth;
  logger: Logger;
  /** `cairn_coordinator_ledger_notices_total{result}`: delivered | refused | failed. */
  counter: Counter<'result'>;
  /** Per-notice time limit (default 5 s). */
  timeoutMs?: number;
  /** Notices sent per tick (default 64). */
  batch?: number;
}

/** Sends and retries ledger notices; never throws into the signing path. */
export class LedgerNotifier {
  private readonly p: Required<LedgerNotifierParameters>;
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(params: LedgerNotifierParameters) {
    this.p = { timeoutMs: 5000, batch: 64, ...params };
  }

  /** The parties of the vault that did not sign `r` (the nodes whose ledgers would lag). */
  private nonSigners(r: RequestRecord): number[] {
    const vault = this.p.vaults.find(r.vaultId);
    const signers = new Set(r.signers ?? []);
    return (vault?.parties ?? []).filter((p) => !signers.has(p) && this.p.health.clients.has(p));
  }

  /** After `r` became signed: records the notices to send and sends them now (not awaited by callers). */
  signed(requestId: string): Promise<void> {
    const r = this.p.requests.get(requestId);
    if (!r?.signature || !r.signers) return Promise.resolve();
    const parties = this.nonSigners(r);
    this.p.store.enqueue(requestId, parties, Date.now());
    return Promise.all(parties.map((p) => this.deliver(requestId, p))).then(() => {});
  }

  /** Backfills notices of requests signed without any, then retries every pending notice. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        for (const id of this.p.store.signedWithoutNotices(this.p.batch)) {
          const r = this.p.requests.get(id);
          const parties = r ? this.nonSigners(r) : [];
          // Nobody to notify: a settled marker row (party 0), so the request is not rescanned.
          if (parties.length === 0) this.p.store.enqueue(id, [0], Date.now(), 'delivered');
          else this.p.store.enqueue(id, parties, Date.now());
        }
        await Promise.all(
          this.p.store.pending(this.p.batch).map((n) => this.deliver(n.requestId, n.partyId)),
        );
      } catch (error) {
        this.p.logger.log('error', 'ledger_notice.tick_failed', { message: (error as Error).message });
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /** Retries in the background every `intervalMs` (unref'd), and once now. */
  start(intervalMs: number): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async deliver(requestId: string, partyId: number): Promise<void> {
    const key = `${requestId}#${partyId}`;
    if (this.stopped || this.inFlight.has(key)) return;
    const r = this.p.requests.get(requestId);
    const client = this.p.health.clients.get(partyId);
    if (!r?.signature || !client) {
      this.p.store.settle(requestId, partyId, 'refused', 'no signature or no such node', Date.now());
      return;
    }
    this.inFlight.add(key);
    try {
      const { publicKey: _publicKey, ...signature } = r.signature as Record<string, unknown>;
      const result = await client.recordSigned({ request: r.signedRequest, signature }, this.p.timeoutMs);
      if (this.stopped) return;
      this.p.store.settle(requestId, partyId, 'delivered', null, Date.now());
      this.p.counter.inc({ result: 'delivered' });
      this.p.logger.log('info', 'ledger_notice.delivered', {
        requestId,
        node: client.endpoint.nodeId,
        recorded: result.recorded,
      });
    } catch (error) {
      if (this.stopped) return;
      const message = (error as Error).message;
      // A node that checked the notice and said no will say no again: final, loudly logged.
      const refused = error instanceof NodeCallError && error.kind === 'refused';
      // A node without a policy keeps no velocity ledger: expected, not an incident.
      const expected = error instanceof NodeCallError && error.code === 'POLICY_NOT_CONFIGURED';
      this.p.store.settle(requestId, partyId, refused ? 'refused' : 'pending', message, Date.now());
      this.p.counter.inc({ result: refused ? 'refused' : 'failed' });
      this.p.logger.log(
        expected ? 'info' : refused ? 'error' : 'warn',
        refused ? 'ledger_notice.refused' : 'ledger_notice.failed',
        {
          requestId,
          node: client.endpoint.nodeId,
          code: error instanceof NodeCallError ? error.code : 'INTERNAL',
          message,
        },
      );
    } finally {
      this.inFlight.delete(key);
    }
  }
}
