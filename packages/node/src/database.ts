// The node's own node:sqlite database (one file per node in its data directory). It holds the
// sealed identity keys, sealed key shares, vault records, the accepted committee and the replay
// guard. Opening never writes before the passphrase has been checked, so a wrong passphrase or a
// damaged file leaves everything on disk exactly as it was.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { NodeError } from './errors.ts';

export const DATABASE_FILE = 'node.db';
/** Written after a data directory is initialised; its presence without the database means data loss. */
export const MARKER_FILE = 'node.json';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS shares (
  key_id TEXT NOT NULL, version INTEGER NOT NULL, scheme TEXT NOT NULL, sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (key_id, version)) STRICT;
CREATE TABLE IF NOT EXISTS vaults (
  vault_id TEXT PRIMARY KEY, record TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS seen_nonces (
  nonce TEXT PRIMARY KEY, kind TEXT NOT NULL, digest TEXT NOT NULL, request_id TEXT NOT NULL,
  state TEXT NOT NULL, session_id TEXT NOT NULL, expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS seen_nonces_expiry ON seen_nonces (expires_at);
`;

export interface OpenedDatabase {
  db: DatabaseSync;
  /** True when the data directory was empty and has just been created. */
  fresh: boolean;
}

/** Opens (or, for an empty data directory, creates) the node database. */
export function openNodeDatabase(dataDir: string): OpenedDatabase {
  const path = join(dataDir, DATABASE_FILE);
  const marker = join(dataDir, MARKER_FILE);
  const exists = existsSync(path);
  if (!exists && existsSync(marker)) {
    throw new NodeError(
      'DATABASE_MISSING',
      `the data directory ${dataDir} was initialised but ${DATABASE_FILE} is missing: restore it from backup (refusing to create a new, empty node)`,
    );
  }
  if (!exists) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
    if (exists) {
      // Reads only: a damaged file is reported, never repaired or rewritten.
      const check = db.prepare('PRAGMA quick_check').get() as { quick_check?: string } | undefined;
      if (check?.quick_check !== 'ok') throw new Error(String(check?.quick_check));
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
      if (!hasMeta) throw new Error('no meta table');
    }
  } catch (error) {
    throw new NodeError(
      'DATABASE_CORRUPTED',
      `the node database ${path} is damaged or not a Cairn node database (${(error as Error).message.split('\n')[0]}); restore it from backup`,
    );
  }
  return { db, fresh: !exists || db.prepare('SELECT 1 FROM meta LIMIT 1').get() === undefined };
}

/** Creates the schema and tunes the connection. Call only after the passphrase is verified. */
export function prepareSchema(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  db.exec(SCHEMA);
}

export function writeMarker(dataDir: string, nodeId: string): void {
  writeFileSync(
    join(dataDir, MARKER_FILE),
    `${JSON.stringify({ format: 'cairn/node-data/v1', nodeId, createdAt: new Date().toISOString() })}\n`,
    { mode: 0o600 },
  );
}

export function getMeta(db: DatabaseSync, key: string): Uint8Array | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    | { value: Uint8Array }
    | undefined;
  return row ? new Uint8Array(row.value) : undefined;
}

export function setMeta(db: DatabaseSync, key: string, value: Uint8Array): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
