// Vaults known to the coordinator: the keygen job's public parameters and, once DKG has run on
// every node, the group public key and (for secp256k1) the EVM address. Nodes keep the shares.
import type { DatabaseSync } from 'node:sqlite';
import type { Initiator } from '@cairn/node';

export type VaultStatus = 'creating' | 'ready' | 'failed';

export interface VaultProgress {
  partyId: number;
  nodeId: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  error?: string;
}

export interface VaultRecord {
  vaultId: string;
  name: string;
  scheme: string;
  threshold: number;
  parties: number[];
  initiators: Initiator[];
  status: VaultStatus;
  progress: VaultProgress[];
  publicKey: string | null;
  address: string | null;
  keyId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

type Row = Record<string, string | number | null>;

function fromRow(r: Row): VaultRecord {
  const s = (v: string | number | null) => (v === null ? null : String(v));
  return {
    vaultId: String(r.vault_id),
    name: String(r.name),
    scheme: String(r.scheme),
    threshold: Number(r.threshold),
    parties: JSON.parse(String(r.parties)),
    initiators: JSON.parse(String(r.initiators)),
    status: String(r.status) as VaultStatus,
    progress: JSON.parse(String(r.progress)),
    publicKey: s(r.public_key),
    address: s(r.address),
    keyId: s(r.key_id),
    errorCode: s(r.error_code),
    errorMessage: s(r.error_message),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

export class VaultStore {
  readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Inserts a vault in state `creating`; false when the id or name is taken. */
  create(
    v: Pick<VaultRecord, 'vaultId' | 'name' | 'scheme' | 'threshold' | 'parties' | 'initiators' | 'progress'>,
  ) {
    const now = Date.now();
    const taken = this.db
      .prepare('SELECT 1 FROM vaults WHERE vault_id = ? OR name = ?')
      .get(v.vaultId, v.name);
    if (taken) return false;
    this.db
      .prepare(
        `INSERT INTO vaults (vault_id, name, scheme, threshold, parties, initiators, status, progress,
           created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, 'creating', ?, ?, ?)`,
      )
      .run(
        v.vaultId,
        v.name,
        v.scheme,
        v.threshold,
        JSON.stringify(v.parties),
        JSON.stringify(v.initiators),
        JSON.stringify(v.progress),
        now,
        now,
      );
    return true;
  }

  update(
    vaultId: string,
    u: Partial<
      Pick<
        VaultRecord,
        'status' | 'progress' | 'publicKey' | 'address' | 'keyId' | 'errorCode' | 'errorMessage'
      >
    >,
  ): void {
    const sets = ['updated_at_ms = ?'];
    const values: (string | number | null)[] = [Date.now()];
    const map: Record<string, string> = {
      status: 'status',
      publicKey: 'public_key',
      address: 'address',
      keyId: 'key_id',
      errorCode: 'error_code',
      errorMessage: 'error_message',
    };
    for (const [k, column] of Object.entries(map)) {
      const value = (u as Record<string, string | null | undefined>)[k];
      if (value !== undefined) {
        sets.push(`${column} = ?`);
        values.push(value);
      }
    }
    if (u.progress) {
      sets.push('progress = ?');
      values.push(JSON.stringify(u.progress));
    }
    values.push(vaultId);
    this.db.prepare(`UPDATE vaults SET ${sets.join(', ')} WHERE vault_id = ?`).run(...values);
    if (u.status === 'ready') {
      const v = this.find(vaultId);
      if (v) for (const l of this.readyListeners) l(v);
    }
  }

  private readonly readyListeners: ((v: VaultRecord) => void)[] = [];

  /** Observes vaults whose key generation finished (the audit trail's key.generated entries). */
  onReady(listener: (v: VaultRecord) => void): void {
    this.readyListeners.push(listener);
  }

  /** By vault id or by name. */
  find(idOrName: string): VaultRecord | null {
    const row = this.db
      .prepare('SELECT * FROM vaults WHERE vault_id = ? OR name = ?')
      .get(idOrName, idOrName) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(): VaultRecord[] {
    return (this.db.prepare('SELECT * FROM vaults ORDER BY created_at_ms').all() as Row[]).map(fromRow);
  }

  /** Vaults whose creation was interrupted by a restart. */
  listCreating(): VaultRecord[] {
    return (this.db.prepare(`SELECT * FROM vaults WHERE status = 'creating'`).all() as Row[]).map(fromRow);
  }
}
