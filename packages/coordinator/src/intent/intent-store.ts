// Persistence of each request's intent report (what it really does, its findings and risk), and
// whether it was simulated: the coverage record every request leaves, in the coordinator's own
// node:sqlite database.
import type { DatabaseSync } from 'node:sqlite';
import type { IntentFacts, IntentReport } from '@cairn/intent';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS request_intents (
  request_id TEXT PRIMARY KEY,
  report TEXT,
  digest TEXT,
  facts TEXT NOT NULL,
  simulated INTEGER NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  analyzed_at_ms INTEGER NOT NULL
);
`;

/** One request's analysis. `report` is null for kinds that cannot be analysed (personal messages). */
export interface IntentRecord {
  requestId: string;
  report: IntentReport | null;
  /** digestOf('cairn/intent-report/v1', report), 0x-hex; null without a report. */
  digest: `0x${string}` | null;
  facts: IntentFacts;
  /** Coverage: whether the request was actually simulated (typed data counts as analysed). */
  simulated: boolean;
  /** The simulation status ('ok', 'reverted', 'unavailable', 'not-applicable'). */
  status: string;
  /** Why it was not simulated, when it was not. */
  errorCode: string | null;
  analyzedAtMs: number;
}

export interface CoverageTotals {
  requests: number;
  simulated: number;
  unavailable: number;
  /** simulated / requests (1 when there were none). */
  ratio: number;
}

type Row = Record<string, string | number | null>;

export class IntentStore {
  readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(SCHEMA);
  }

  put(r: IntentRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO request_intents
           (request_id, report, digest, facts, simulated, status, error_code, analyzed_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.requestId,
        r.report ? JSON.stringify(r.report) : null,
        r.digest,
        JSON.stringify(r.facts),
        r.simulated ? 1 : 0,
        r.status,
        r.errorCode,
        r.analyzedAtMs,
      );
  }

  get(requestId: string): IntentRecord | null {
    const r = this.db.prepare('SELECT * FROM request_intents WHERE request_id = ?').get(requestId) as
      | Row
      | undefined;
    if (!r) return null;
    return {
      requestId,
      report: r.report === null ? null : JSON.parse(String(r.report)),
      digest: r.digest === null ? null : (String(r.digest) as `0x${string}`),
      facts: JSON.parse(String(r.facts)),
      simulated: Number(r.simulated) === 1,
      status: String(r.status),
      errorCode: r.error_code === null ? null : String(r.error_code),
      analyzedAtMs: Number(r.analyzed_at_ms),
    };
  }

  /** Coverage over every request ever analysed (survives restarts, unlike an in-memory counter). */
  coverage(): CoverageTotals {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(simulated), 0) AS s,
                COALESCE(SUM(CASE WHEN status = 'unavailable' THEN 1 ELSE 0 END), 0) AS u
           FROM request_intents`,
      )
      .get() as { n: number; s: number; u: number };
    const requests = Number(r.n);
    const simulated = Number(r.s);
    return {
      requests,
      simulated,
      unavailable: Number(r.u),
      ratio: requests === 0 ? 1 : simulated / requests,
    };
  }
}
