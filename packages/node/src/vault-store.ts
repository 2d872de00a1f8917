// Vault records: which key a vault uses and who may initiate its sign jobs (from the admin-signed
// keygen job, until policies and roles land). Public data only; the share lives in ShareStore.
import type { DatabaseSync } from 'node:sqlite';
import type { PartyId, SchemeId } from '@cairn/mpc';
import { NodeError } from './errors.ts';
import type { Initiator } from './statements/keygen-job.ts';

export interface VaultRecord {
  vaultId: string;
  name: string;
  scheme: SchemeId;
  keyId: string;
  version: number;
  threshold: number;
  parties: PartyId[];
  initiators: Initiator[];
  /** Group public key, 0x-hex in the scheme's encoding. */
  publicKey: `0x${string}`;
  /** BIP-32 chain code (0x-hex) where the scheme supports derivation: with the public key, it gives child keys. */
  chainCode?: `0x${string}`;
  /** EVM address for secp256k1 keys. */
  address?: string;
  createdAt: string;
}

export class VaultStore {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  put(record: VaultRecord): void {
    try {
      this.#db
        .prepare('INSERT INTO vaults (vault_id, record, created_at) VALUES (?, ?, ?)')
        .run(record.vaultId, JSON.stringify(record), Date.now());
    } catch (error) {
      if (/UNIQUE|PRIMARY KEY/i.test((error as Error).message))
        throw new NodeError('VAULT_EXISTS', `vault ${record.vaultId} already exists on this node`);
      throw error;
    }
  }

  get(vaultId: string): VaultRecord | undefined {
    const row = this.#db.prepare('SELECT record FROM vaults WHERE vault_id = ?').get(vaultId) as
      | { record: string }
      | undefined;
    return row ? (JSON.parse(row.record) as VaultRecord) : undefined;
  }

  list(): VaultRecord[] {
    const rows = this.#db.prepare('SELECT record FROM vaults ORDER BY created_at').all() as {
      record: string;
    }[];
    return rows.map((r) => JSON.parse(r.record) as VaultRecord);
  }
}
