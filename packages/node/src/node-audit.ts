// The signer node's own audit log and witness (issue 7; docs/audit.md): every node keeps, in its
// own data directory, a tamper-evident @cairn/audit log of what it verified, refused and signed
// and of every custody-state change it made (start/stop, keys generated, committee and policy
// changes), and cosigns the coordinator's checkpoints as a witness only after verifying that
// they extend the last checkpoint it cosigned (state and verdicts in the node's own database).
//
// Keys: the log key (note type 0x01) and the witness key (cosignature/v1, type 0x04) are derived
// from the node's sealed Ed25519 identity key with HKDF-SHA256 under distinct labels, so they
// never need storing and never equal the identity key itself. Nothing secret is ever logged.
import { join } from 'node:path';
import {
  type AddCheckpointRequest,
  AuditError,
  AuditLog,
  type CheckpointResult,
  type Entry,
  type EntryInput,
  NoteSigner,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  SqliteLogStore,
  SqliteWitnessStore,
  Witness,
  WitnessRefusedError,
} from '@cairn/audit';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { AcceptedChange } from './governance-store.ts';
import { type Logger, reasonOf } from './log.ts';

export const AUDIT_DATABASE_FILE = 'audit.db';
const LOG_KEY_LABEL = 'cairn/node/audit-log-key/v1';
const WITNESS_KEY_LABEL = 'cairn/node/witness-key/v1';
/** The policy id under which governed states are logged (as the coordinator logs them). */
export const POLICY_ID = 'cairn-governed-state';

/** A log this node witnesses: its origin and its owner's verifier key ("name+id+base64"). */
export interface WitnessedLog {
  origin: string;
  key: string;
}

export interface OpenNodeAuditParameters {
  nodeId: string;
  dataDir: string;
  /** The node database (witness state and verdicts live there). */
  nodeDatabasePath: string;
  /** The node's Ed25519 identity secret: only used to derive the log and witness keys. */
  identitySecretKey: Uint8Array;
  /** The logs (the coordinator's) whose checkpoints this node cosigns. */
  witnessOf?: readonly WitnessedLog[];
  log: Logger;
  now?: () => number;
}

/** What a witness request looks like on the wire (the coordinator's HttpWitness sends it). */
const cosignRequestSchema = z.strictObject({
  oldSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  consistencyProof: z.array(z.string().regex(/^(0x)?[0-9a-f]{64}$/)).max(128),
  checkpoint: z
    .string()
    .min(1)
    .max(64 * 1024),
});

/** A cosigning request the witness declined (or could not read): code and the size it knows. */
export class CosignRefusedError extends Error {
  readonly code: string;
  readonly witnessSize: number | null;
  readonly status: number;
  constructor(code: string, message: string, witnessSize: number | null, status = 409) {
    super(message);
    this.name = 'CosignRefusedError';
    this.code = code;
    this.witnessSize = witnessSize;
    this.status = status;
  }
}

const strip0x = (hex: string) => hex.replace(/^0x/i, '').toLowerCase();

export function auditOriginOf(nodeId: string): string {
  return `cairn/audit/node/${nodeId}`;
}

/** The witness key name: the node id (the coordinator's default witness name). */
export function witnessNameOf(nodeId: string): string {
  return nodeId;
}

export class NodeAudit {
  readonly log: AuditLog;
  readonly witness: Witness;
  readonly nodeId: string;
  readonly #store: SqliteLogStore;
  readonly #witnessStore: SqliteWitnessStore;
  readonly #logKey: string;
  readonly #logger: Logger;
  readonly #witnessed: readonly string[];

  private constructor(p: {
    log: AuditLog;
    store: SqliteLogStore;
    witness: Witness;
    witnessStore: SqliteWitnessStore;
    logKey: string;
    nodeId: string;
    logger: Logger;
    witnessed: readonly string[];
  }) {
    this.log = p.log;
    this.#store = p.store;
    this.witness = p.witness;
    this.#witnessStore = p.witnessStore;
    this.#logKey = p.logKey;
    this.nodeId = p.nodeId;
    this.#logger = p.logger;
    this.#witnessed = p.witnessed;
  }

  /** Opens (creating if needed) the node's audit log and witness. Throws AuditError on bad keys/storage. */
  static async open(p: OpenNodeAuditParameters): Promise<NodeAudit> {
    const derive = (label: string) => hkdf(sha256, p.identitySecretKey, undefined, utf8ToBytes(label), 32);
    const origin = auditOriginOf(p.nodeId);
    const logSigner = new NoteSigner({ name: origin, type: SIG_ED25519, secretKey: derive(LOG_KEY_LABEL) });
    const witnessSigner = new NoteSigner({
      name: witnessNameOf(p.nodeId),
      type: SIG_COSIGNATURE_V1,
      secretKey: derive(WITNESS_KEY_LABEL),
    });
    const logs = (p.witnessOf ?? []).map((l) => ({ origin: l.origin, key: parseVerifierKey(l.key) }));
    const store = SqliteLogStore.open(join(p.dataDir, AUDIT_DATABASE_FILE));
    let witnessStore: SqliteWitnessStore;
    let log: AuditLog;
    try {
      log = await AuditLog.open({ store, origin, signer: logSigner, ...(p.now ? { now: p.now } : {}) });
      witnessStore = SqliteWitnessStore.open(p.nodeDatabasePath);
    } catch (error) {
      await store.close();
      throw error;
    }
    const witness = new Witness({
      signer: witnessSigner,
      logs,
      store: witnessStore,
      ...(p.now ? { now: p.now } : {}),
    });
    return new NodeAudit({
      log,
      store,
      witness,
      witnessStore,
      logKey: logSigner.verifierKey,
      nodeId: p.nodeId,
      logger: p.log,
      witnessed: logs.map((l) => l.origin),
    });
  }

  /** Public keys for auditors' keys files (GET /v1/audit/keys). */
  keys(): { origin: string; logKey: string; witness: { name: string; verifierKey: string; logs: string[] } } {
    return {
      origin: this.log.origin,
      logKey: this.#logKey,
      witness: { name: this.witness.name, verifierKey: this.witness.verifierKey, logs: [...this.#witnessed] },
    };
  }

  /**
   * Appends one entry durably and returns its digest. Throws when it cannot be stored: callers on
   * the signing path must then refuse (nothing custody-relevant happens unrecorded).
   */
  async append(entry: EntryInput): Promise<string> {
    const result = await this.log.append(entry);
    return result.digest;
  }

  /** Appends where failure must not stop the caller (e.g. a refusal): failures are logged loudly. */
  async record(entry: EntryInput): Promise<string | null> {
    try {
      return await this.append(entry);
    } catch (error) {
      this.#logger.error('audit_append_failed', { kind: entry.kind, reason: reasonOf(error) });
      return null;
    }
  }

  // Entry builders, one per custody event (docs/audit.md "Entries").

  nodeStarted(version: string): Promise<string> {
    return this.append({ kind: 'node.started', actor: this.nodeId, data: { node: this.nodeId, version } });
  }

  nodeStopped(reason: string): Promise<string | null> {
    return this.record({
      kind: 'node.stopped',
      actor: this.nodeId,
      data: { node: this.nodeId, reason: reason.slice(0, 4096) },
    });
  }

  keyGenerated(p: {
    keyId: string;
    scheme: string;
    threshold: number;
    parties: readonly number[];
    publicKey: string;
  }): Promise<string | null> {
    return this.record({
      kind: 'key.generated',
      actor: this.nodeId,
      data: {
        keyId: p.keyId,
        scheme: p.scheme,
        threshold: p.threshold,
        parties: p.parties.map(String),
        publicKey: strip0x(p.publicKey),
      },
    });
  }

  /** What this node verified before joining a signature: its own decision, then the acceptance. */
  async signJobAccepted(p: {
    requestId: string;
    sessionId: string;
    decision?: { outcome: unknown; policyVersion: number; policyHash: string } | undefined;
  }): Promise<string> {
    const prev: string[] = [];
    if (p.decision) {
      prev.push(
        await this.append({
          kind: 'policy.decided',
          actor: this.nodeId,
          data: {
            requestId: p.requestId,
            policy: {
              id: POLICY_ID,
              version: p.decision.policyVersion,
              hash: strip0x(p.decision.policyHash),
            },
            outcome: JSON.parse(JSON.stringify(p.decision.outcome)),
          },
        }),
      );
    }
    return this.append({
      kind: 'signjob.accepted',
      actor: this.nodeId,
      prev,
      data: { requestId: p.requestId, jobId: strip0x(p.sessionId), node: this.nodeId },
    });
  }

  signJobRefused(p: {
    requestId: string;
    sessionId: string;
    code: string;
    reason: string;
  }): Promise<string | null> {
    return this.record({
      kind: 'signjob.refused',
      actor: this.nodeId,
      data: {
        requestId: p.requestId,
        jobId: p.sessionId ? strip0x(p.sessionId) : 'none',
        node: this.nodeId,
        code: p.code,
        reason: p.reason.slice(0, 4096),
      },
    });
  }

  signatureProduced(p: {
    requestId: string;
    sessionId: string;
    keyId: string;
    scheme: string;
    /** Signature bytes as hex (r ‖ s ‖ v for ECDSA). */
    signature: string;
    accepted: string | null;
  }): Promise<string | null> {
    return this.record({
      kind: 'signature.produced',
      actor: this.nodeId,
      prev: p.accepted ? [p.accepted] : [],
      data: {
        requestId: p.requestId,
        jobId: strip0x(p.sessionId),
        keyId: p.keyId,
        scheme: p.scheme,
        signature: strip0x(p.signature),
      },
    });
  }

  /** A governance change: the new state, plus one entry per membership / address-book op. */
  async policyChanged(change: AcceptedChange): Promise<string> {
    const digest = await this.append({
      kind: 'policy.changed',
      actor: this.nodeId,
      data: {
        policyId: POLICY_ID,
        version: change.state.version,
        hash: change.hash,
        document: JSON.parse(JSON.stringify(change.state)),
        approvedBy: change.approvedBy,
      },
    });
    const id = `policy-v${change.state.version}`;
    for (const op of change.ops) {
      const entry = opEntry(this.nodeId, id, op, change.approvedBy);
      if (entry) await this.append({ ...entry, prev: [digest] });
    }
    return digest;
  }

  /** A committee (signer membership) change, one entry per member. */
  async committeeInstalled(p: {
    committeeId: string;
    version: number;
    members: readonly { nodeId: string; partyId: number }[];
  }): Promise<void> {
    for (const m of p.members) {
      await this.record({
        kind: 'membership.changed',
        actor: this.nodeId,
        data: {
          change: `committee:${p.committeeId}@${p.version}`,
          member: m.nodeId,
          role: `signer:party-${m.partyId}`,
          approvedBy: ['admin-quorum'],
        },
      });
    }
  }

  /**
   * The witness endpoint (POST /v1/audit/cosign): verifies that the coordinator's checkpoint
   * extends the last one this node cosigned and returns the cosignature line. Throws
   * CosignRefusedError (with the size this witness knows, for the log's retry).
   */
  async cosign(input: unknown): Promise<{ cosignature: string }> {
    const parsed = cosignRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CosignRefusedError(
        'MALFORMED_CHECKPOINT',
        `invalid cosign request at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
        null,
        400,
      );
    }
    const request: AddCheckpointRequest = {
      oldSize: parsed.data.oldSize,
      consistencyProof: parsed.data.consistencyProof.map((h) =>
        Uint8Array.from(Buffer.from(strip0x(h), 'hex')),
      ),
      checkpoint: parsed.data.checkpoint,
    };
    try {
      const cosignature = await this.witness.addCheckpoint(request);
      this.#logger.info('checkpoint_cosigned', {
        witness: this.witness.name,
        line: cosignature.slice(0, 80),
      });
      return { cosignature };
    } catch (error) {
      if (error instanceof WitnessRefusedError) {
        this.#logger.warn('checkpoint_refused', { code: error.code, message: error.message });
        throw new CosignRefusedError(error.code, error.message, error.witnessSize);
      }
      if (error instanceof AuditError) throw new CosignRefusedError(error.code, error.message, null, 500);
      throw error;
    }
  }

  /** Entries [start, end) of this node's own log, parsed (default: all). */
  async entries(start = 0, end = this.log.size): Promise<Entry[]> {
    const out: Entry[] = [];
    for await (const e of this.#store.readEntries(start, end)) out.push(JSON.parse(e.body) as Entry);
    return out;
  }

  /** Signs a checkpoint of this node's own log (GET /v1/audit/checkpoint). */
  checkpoint(): Promise<CheckpointResult> {
    return this.log.checkpoint();
  }

  async close(): Promise<void> {
    await this.#store.close();
    await this.#witnessStore.close();
  }
}

function opEntry(
  actor: string,
  change: string,
  op: AcceptedChange['ops'][number],
  approvedBy: string[],
): EntryInput | null {
  switch (op.op) {
    case 'upsert_user':
      return {
        kind: 'membership.changed',
        actor,
        data: { change, member: op.user.id, role: op.user.roles.join(',') || 'none', approvedBy },
      };
    case 'remove_user':
      return {
        kind: 'membership.changed',
        actor,
        data: { change, member: op.id, role: 'removed', approvedBy },
      };
    case 'upsert_group':
      return {
        kind: 'membership.changed',
        actor,
        data: {
          change,
          member: `group:${op.group.id}`,
          role: op.group.members.join(',') || 'empty',
          approvedBy,
        },
      };
    case 'remove_group':
      return {
        kind: 'membership.changed',
        actor,
        data: { change, member: `group:${op.id}`, role: 'removed', approvedBy },
      };
    case 'upsert_address':
      return {
        kind: 'addressbook.changed',
        actor,
        data: { change, address: JSON.parse(JSON.stringify(op.entry)), approvedBy },
      };
    case 'remove_address':
      return {
        kind: 'addressbook.changed',
        actor,
        data: { change, address: { removed: op.id }, approvedBy },
      };
    default:
      return null;
  }
}
