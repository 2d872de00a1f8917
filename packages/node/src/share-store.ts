// Encrypted key-share storage (ARCHITECTURE.md §5): each share is sealed with its own data key,
// the data key wrapped under the node's wrapping key, and the associated data binds the node
// id, key id and share version, so a share copied to another row, node or version does not
// open. Shares are inserted, never replaced: a refresh writes a new version next to the old one.
import type { DatabaseSync } from 'node:sqlite';
import { KeyShare, type SchemeId, Writer } from '@cairn/mpc';
import { NodeError } from './errors.ts';
import { EnvelopeOpenError, openSecret as open, sealSecret as seal } from './key-envelope.ts';

export function shareAad(nodeId: string, keyId: string, version: number): Uint8Array {
  return new Writer().string('cairn/key-share-at-rest/v1').string(nodeId).string(keyId).u32(version).finish();
}

export class ShareStore {
  readonly #db: DatabaseSync;
  readonly #nodeId: string;
  readonly #wrappingKey: Uint8Array;

  constructor(params: { db: DatabaseSync; nodeId: string; wrappingKey: Uint8Array }) {
    this.#db = params.db;
    this.#nodeId = params.nodeId;
    this.#wrappingKey = params.wrappingKey;
  }

  /** Seals and stores a share. Refuses to overwrite an existing (key, version). */
  put(share: KeyShare): void {
    const keyId = share.keyId;
    const plaintext = share.serialize();
    const sealed = seal(this.#wrappingKey, plaintext, shareAad(this.#nodeId, keyId, share.version));
    plaintext.fill(0);
    try {
      this.#db
        .prepare('INSERT INTO shares (key_id, version, scheme, sealed, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(keyId, share.version, share.scheme, sealed, Date.now());
    } catch (error) {
      if (/UNIQUE|PRIMARY KEY/i.test((error as Error).message)) {
        throw new NodeError(
          'VAULT_EXISTS',
          `a share of key ${keyId} version ${share.version} is already stored`,
        );
      }
      throw error;
    }
  }

  /** Unseals the share of `keyId` (latest version unless given). SHARE_MISSING / SHARE_CORRUPTED. */
  get(keyId: string, version?: number): KeyShare {
    const row = (
      version === undefined
        ? this.#db
            .prepare(
              'SELECT version, scheme, sealed FROM shares WHERE key_id = ? ORDER BY version DESC LIMIT 1',
            )
            .get(keyId)
        : this.#db
            .prepare('SELECT version, scheme, sealed FROM shares WHERE key_id = ? AND version = ?')
            .get(keyId, version)
    ) as { version: number; scheme: SchemeId; sealed: Uint8Array } | undefined;
    if (!row) {
      throw new NodeError(
        'SHARE_MISSING',
        `no share of key ${keyId}${version === undefined ? '' : ` version ${version}`} on node ${this.#nodeId}`,
      );
    }
    let plaintext: Uint8Array;
    try {
      plaintext = open(
        this.#wrappingKey,
        new Uint8Array(row.sealed),
        shareAad(this.#nodeId, keyId, row.version),
      );
    } catch (error) {
      const detail = error instanceof EnvelopeOpenError ? error.message : 'unreadable';
      throw new NodeError(
        'SHARE_CORRUPTED',
        `the stored share of key ${keyId} version ${row.version} is damaged: ${detail}`,
      );
    }
    try {
      const share = KeyShare.deserialize(plaintext);
      if (share.keyId !== keyId || share.version !== row.version)
        throw new Error('share does not match its row');
      return share;
    } catch (error) {
      throw new NodeError(
        'SHARE_CORRUPTED',
        `the stored share of key ${keyId} does not decode: ${(error as Error).message.split('\n')[0]}`,
      );
    } finally {
      plaintext.fill(0);
    }
  }

  has(keyId: string): boolean {
    return this.#db.prepare('SELECT 1 FROM shares WHERE key_id = ? LIMIT 1').get(keyId) !== undefined;
  }
}
