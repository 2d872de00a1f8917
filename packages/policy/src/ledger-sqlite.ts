// A durable velocity ledger for a signer node on node:sqlite: every entry is written through to
// the node's own database and indexed in memory (MemoryLedger) for O(log n) window totals.
// Amounts are stored as decimal text because they can exceed SQLite's 64-bit integers.
import { DatabaseSync } from 'node:sqlite';
import { PolicyError } from './errors.ts';
import {
  type LedgerEntry,
  MemoryLedger,
  sameEntry,
  type VelocityLedger,
  type WindowQuery,
  type WindowTotals,
} from './ledger.ts';

interface Row {
  request_id: string;
  at: number;
  vault_id: string;
  initiator: string;
  destination: string | null;
  asset: string | null;
  amount: string;
  usd_micros: string | null;
}

export class SqliteLedger implements VelocityLedger {
  readonly #db: DatabaseSync;
  readonly #memory = new MemoryLedger();
  readonly #insert: ReturnType<DatabaseSync['prepare']>;

  /** Opens (creating if needed) the ledger table in the database at `path` (":memory:" for tests). */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec(`CREATE TABLE IF NOT EXISTS velocity_ledger (
      request_id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      vault_id TEXT NOT NULL,
      initiator TEXT NOT NULL,
      destination TEXT,
      asset TEXT,
      amount TEXT NOT NULL,
      usd_micros TEXT
    ) STRICT`);
    this.#insert = this.#db.prepare(
      `INSERT INTO velocity_ledger (request_id, at, vault_id, initiator, destination, asset, amount, usd_micros)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(request_id) DO NOTHING`,
    );
    const rows = this.#db
      .prepare('SELECT * FROM velocity_ledger ORDER BY at, request_id')
      .all() as unknown as Row[];
    for (const r of rows) {
      this.#memory.record({
        requestId: r.request_id,
        at: Number(r.at),
        vaultId: r.vault_id,
        initiator: r.initiator,
        destination: r.destination,
        asset: r.asset,
        amount: BigInt(r.amount),
        usdMicros: r.usd_micros === null ? null : BigInt(r.usd_micros),
      });
    }
  }

  get size(): number {
    return this.#memory.size;
  }

  /**
   * Records an entry durably (idempotent per request id; a conflicting entry throws). The row is
   * written before the in-memory index is updated, so a failed write never leaves the node
   * believing in history its database does not hold.
   */
  record(e: LedgerEntry): void {
    const existing = this.#memory.get(e.requestId);
    if (existing) {
      if (!sameEntry(existing, e)) {
        throw new PolicyError('INVALID_REQUEST', `ledger already holds a different entry for ${e.requestId}`);
      }
      return;
    }
    if (!Number.isSafeInteger(e.at) || e.amount < 0n) {
      throw new PolicyError('INVALID_REQUEST', `invalid ledger entry for ${e.requestId}`);
    }
    this.#insert.run(
      e.requestId,
      e.at,
      e.vaultId,
      e.initiator,
      e.destination,
      e.asset,
      e.amount.toString(),
      e.usdMicros === null ? null : e.usdMicros.toString(),
    );
    this.#memory.record(e);
  }

  totals(q: WindowQuery): WindowTotals {
    return this.#memory.totals(q);
  }

  close(): void {
    this.#db.close();
  }
}
