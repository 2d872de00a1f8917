// node:sqlite implementations of LogStore and WitnessStore.
//
// Durability: WAL journal with synchronous=FULL, so every committed append batch is fsynced to
// the WAL before append() resolves and survives power loss, not only a process crash (NORMAL
// would only guarantee the latter). Appends are batched (one transaction per appendBatch),
// which amortises the fsync; see docs/audit.md for the measured throughput.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { AuditError } from '../errors.ts';
import type { NewNode, NodeId } from '../merkle.ts';
import type {
  LogStore,
  StoredCheckpoint,
  StoredEntry,
  WitnessRecord,
  WitnessState,
  WitnessStore,
} from './store.ts';

const LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS entries (
  idx INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  leaf BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  size INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  note TEXT NOT NULL
) STRICT;
`;

export interface SqliteOptions {
  /** Open an existing database without writing to it (for exports and inspection). */
  readOnly?: boolean;
}

function openDatabase(path: string, options: SqliteOptions): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
    if (!options.readOnly) {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
    }
    db.exec('PRAGMA busy_timeout = 5000');
    return db;
  } catch (error) {
    throw new AuditError('STORAGE', `cannot open database ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? Uint8Array.from(value) : new Uint8Array(0);
}

/** The audit log's storage in one SQLite file. */
export class SqliteLogStore implements LogStore {
  readonly #db: DatabaseSync;
  readonly #insertEntry: StatementSync;
  readonly #insertNode: StatementSync;
  readonly #getLeaf: StatementSync;
  readonly #getNode: StatementSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insertEntry = db.prepare(
      'INSERT INTO entries (idx, time_ms, kind, body, leaf) VALUES (?, ?, ?, ?, ?)',
    );
    this.#insertNode = db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)');
    this.#getLeaf = db.prepare('SELECT leaf FROM entries WHERE idx = ?');
    this.#getNode = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?');
  }

  /** Opens (creating if needed) a log database at `path` (":memory:" for tests). */
  static open(path: string, options: SqliteOptions = {}): SqliteLogStore {
    const db = openDatabase(path, options);
    try {
      if (!options.readOnly) db.exec(LOG_SCHEMA);
      else db.prepare('SELECT 1 FROM entries LIMIT 1').get();
      return new SqliteLogStore(db);
    } catch (error) {
      db.close();
      if (error instanceof AuditError) throw error;
      throw new AuditError(
        'STORAGE',
        `${path} is not a Cairn audit log database: ${(error as Error).message}`,
      );
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(key);
    return row ? String(row.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  async size(): Promise<number> {
    const row = this.#db.prepare('SELECT MAX(idx) AS m FROM entries').get();
    return row?.m === null || row?.m === undefined ? 0 : Number(row.m) + 1;
  }

  async lastTimeMs(): Promise<number | null> {
    const row = this.#db.prepare('SELECT time_ms FROM entries ORDER BY idx DESC LIMIT 1').get();
    return row ? Number(row.time_ms) : null;
  }

  async append(entries: readonly StoredEntry[], nodes: readonly NewNode[]): Promise<void> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      // Contiguity inside the transaction: a log never has gaps, even with two writers.
      const size = Number(
        this.#db.prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM entries').get()?.n ?? 0,
      );
      entries.forEach((e, i) => {
        if (e.index !== size + i) throw new Error(`entry index ${e.index} is not the next index ${size + i}`);
      });
      for (const e of entries) this.#insertEntry.run(e.index, e.timeMs, e.kind, e.body, e.leaf);
      for (const n of nodes) if (n.level > 0) this.#insertNode.run(n.level, n.index, n.hash);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw new AuditError('STORAGE', `append failed, nothing was written: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map((id) => {
      const row = id.level === 0 ? this.#getLeaf.get(id.index) : this.#getNode.get(id.level, id.index);
      if (!row) throw new AuditError('STORAGE', `missing tree node level ${id.level} index ${id.index}`);
      return bytes(id.level === 0 ? row.leaf : row.hash);
    });
  }

  async *readEntries(start: number, end: number): AsyncIterable<StoredEntry> {
    const batch = 10_000;
    const stmt = this.#db.prepare(
      'SELECT idx, time_ms, kind, body, leaf FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT ?',
    );
    let next = start;
    while (next < end) {
      const rows = stmt.all(next, end, batch);
      if (rows.length === 0) return;
      for (const r of rows) {
        yield {
          index: Number(r.idx),
          timeMs: Number(r.time_ms),
          kind: String(r.kind),
          body: String(r.body),
          leaf: bytes(r.leaf),
        };
      }
      next = Number(rows[rows.length - 1]!.idx) + 1;
    }
  }

  /**
   * Entry times never decrease along the log (AuditLog enforces it), so a time range is an index
   * range found by binary search on the primary key: no time index to maintain on every append.
   */
  async indexRangeForTime(
    fromMs: number | null,
    toMs: number | null,
  ): Promise<{ start: number; end: number }> {
    const size = await this.size();
    const stmt = this.#db.prepare('SELECT time_ms FROM entries WHERE idx = ?');
    const timeAt = (i: number) => Number(stmt.get(i)?.time_ms);
    /** The first index whose time is >= t. */
    const firstAtOrAfter = (t: number) => {
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (timeAt(mid) < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const start = fromMs === null ? 0 : firstAtOrAfter(fromMs);
    const end = toMs === null ? size : firstAtOrAfter(toMs);
    return { start: Math.min(start, end), end };
  }

  async putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO checkpoints (size, time_ms, note) VALUES (?, ?, ?) ON CONFLICT(size) DO UPDATE SET time_ms = excluded.time_ms, note = excluded.note',
      )
      .run(cp.size, cp.timeMs, cp.note);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const row = this.#db
      .prepare('SELECT size, time_ms, note FROM checkpoints ORDER BY size DESC LIMIT 1')
      .get();
    return row ? { size: Number(row.size), timeMs: Number(row.time_ms), note: String(row.note) } : null;
  }

  async checkpoints(minSize: number, maxSize: number): Promise<StoredCheckpoint[]> {
    return this.#db
      .prepare('SELECT size, time_ms, note FROM checkpoints WHERE size >= ? AND size <= ? ORDER BY size')
      .all(minSize, maxSize)
      .map((row) => ({ size: Number(row.size), timeMs: Number(row.time_ms), note: String(row.note) }));
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}

const WITNESS_SCHEMA = `
CREATE TABLE IF NOT EXISTS witness_state (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS witness_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  origin TEXT NOT NULL,
  old_size INTEGER NOT NULL,
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('cosigned', 'refused')),
  code TEXT,
  detail TEXT NOT NULL,
  cosignature TEXT
) STRICT;
`;

/** A signer node's own witness storage: its last cosigned tree head per log and its history. */
export class SqliteWitnessStore implements WitnessStore {
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  static open(path: string): SqliteWitnessStore {
    const db = openDatabase(path, {});
    db.exec(WITNESS_SCHEMA);
    return new SqliteWitnessStore(db);
  }

  async state(origin: string): Promise<WitnessState | null> {
    return this.#state(origin);
  }

  #state(origin: string): WitnessState | null {
    const row = this.#db.prepare('SELECT size, root FROM witness_state WHERE origin = ?').get(origin);
    return row ? { origin, size: Number(row.size), root: bytes(row.root) } : null;
  }

  async record(r: WitnessRecord, expected: WitnessState | null): Promise<boolean> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      if (r.verdict === 'cosigned') {
        const current = this.#state(r.origin);
        const same =
          current === null
            ? expected === null
            : expected !== null &&
              current.size === expected.size &&
              Buffer.from(current.root).equals(Buffer.from(expected.root));
        if (!same) {
          this.#db.exec('ROLLBACK');
          return false;
        }
        this.#db
          .prepare(
            'INSERT INTO witness_state (origin, size, root) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE SET size = excluded.size, root = excluded.root',
          )
          .run(r.origin, r.size, r.root);
      }
      this.#db
        .prepare(
          'INSERT INTO witness_log (time_ms, origin, old_size, size, root, verdict, code, detail, cosignature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(r.timeMs, r.origin, r.oldSize, r.size, r.root, r.verdict, r.code, r.detail, r.cosignature);
      this.#db.exec('COMMIT');
      return true;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw new AuditError('STORAGE', `witness store write failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async history(origin: string): Promise<WitnessRecord[]> {
    return this.#db
      .prepare('SELECT * FROM witness_log WHERE origin = ? ORDER BY seq')
      .all(origin)
      .map((row) => ({
        timeMs: Number(row.time_ms),
        origin: String(row.origin),
        oldSize: Number(row.old_size),
        size: Number(row.size),
        root: bytes(row.root),
        verdict: row.verdict === 'cosigned' ? 'cosigned' : 'refused',
        code: row.code === null ? null : String(row.code),
        detail: String(row.detail),
        cosignature: row.cosignature === null ? null : String(row.cosignature),
      }));
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
