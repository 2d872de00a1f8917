// The coordinator's own database (node:sqlite, the embedded default). Requests are written here
// before they are acknowledged, and every state change is a row in request_events.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  initiator TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_digest TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  chain_id INTEGER NOT NULL,
  tx_nonce INTEGER,
  signed_request TEXT NOT NULL,
  state TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  signers TEXT,
  signature TEXT,
  raw_tx TEXT,
  tx_hash TEXT,
  receipt TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  received_at_ms INTEGER NOT NULL,
  signed_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (initiator, idempotency_key)
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
CREATE INDEX IF NOT EXISTS requests_vault ON requests (vault_id, tx_nonce);
CREATE TABLE IF NOT EXISTS request_events (
  request_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  detail TEXT,
  PRIMARY KEY (request_id, seq)
);
CREATE TABLE IF NOT EXISTS seen_nonces (
  initiator TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (initiator, nonce)
);
CREATE TABLE IF NOT EXISTS vaults (
  vault_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  scheme TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  parties TEXT NOT NULL,
  initiators TEXT NOT NULL,
  status TEXT NOT NULL,
  progress TEXT NOT NULL,
  public_key TEXT,
  address TEXT,
  key_id TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
`;

/** Opens (creating if needed) the coordinator database at `path` (`:memory:` for tests). */
export function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);
  return db;
}
