// The node's identity: an Ed25519 key (signs transport envelopes, identifies the node in the
// committee) and an X25519 key (envelopes are encrypted to it), generated on first start and
// kept sealed under the wrapping key. Unlocking derives the wrapping key once (scrypt), checks
// it against a stored check value so a wrong passphrase is reported as such, and keeps it in
// memory so no request ever pays for the KDF.
import type { DatabaseSync } from 'node:sqlite';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { Reader, Writer } from '@cairn/mpc';
import { getMeta, openNodeDatabase, prepareSchema, setMeta, writeMarker } from './database.ts';
import { NodeError } from './errors.ts';
import {
  deriveWrappingKey,
  type KdfParameters,
  openSecret as open,
  sealSecret as seal,
} from './key-envelope.ts';
import { bytesToHex } from './statements/encoding.ts';

export interface NodeIdentity {
  readonly nodeId: string;
  readonly signingSecretKey: Uint8Array;
  readonly encryptionSecretKey: Uint8Array;
  /** Ed25519 public key, 0x-hex. */
  readonly signingKey: `0x${string}`;
  /** X25519 public key, 0x-hex. */
  readonly encryptionKey: `0x${string}`;
}

export interface UnlockedNode {
  readonly db: DatabaseSync;
  readonly wrappingKey: Uint8Array;
  readonly identity: NodeIdentity;
  readonly fresh: boolean;
}

const CHECK_PLAINTEXT = new TextEncoder().encode('cairn passphrase check v1');
const enc = (s: string) => new TextEncoder().encode(s);
const checkAad = (nodeId: string) => new Writer().string('cairn/passphrase-check/v1').string(nodeId).finish();
const identityAad = (nodeId: string) => new Writer().string('cairn/node-identity/v1').string(nodeId).finish();

function encodeKdf(k: KdfParameters): Uint8Array {
  return new Writer().u8(k.logN).u8(k.r).u8(k.p).bytes(k.salt).finish();
}

function decodeKdf(bytes: Uint8Array): KdfParameters {
  const r = new Reader(bytes);
  const kdf = { logN: r.u8(), r: r.u8(), p: r.u8(), salt: r.bytes(64) };
  r.end();
  if (kdf.logN < 15 || kdf.logN > 24 || kdf.r < 1 || kdf.p < 1 || kdf.salt.length < 16) {
    throw new Error('unsupported KDF parameters');
  }
  return kdf;
}

/**
 * Opens the data directory: on first start creates the database, wrapping-key parameters and
 * identity; afterwards checks the passphrase and node id and unseals the identity. Throws
 * NodeError (WRONG_PASSPHRASE, DATABASE_MISSING, DATABASE_CORRUPTED, IDENTITY_MISMATCH) and, in
 * every such case, writes nothing.
 */
export async function unlockNode(params: {
  dataDir: string;
  nodeId: string;
  passphrase: string;
  kdfLogN: number;
}): Promise<UnlockedNode> {
  const { db, fresh } = openNodeDatabase(params.dataDir);
  try {
    if (fresh) return { ...(await initialise(db, params)), fresh: true };
    return { ...(await unlockExisting(db, params)), fresh: false };
  } catch (error) {
    db.close();
    throw error;
  }
}

async function initialise(
  db: DatabaseSync,
  params: { dataDir: string; nodeId: string; passphrase: string; kdfLogN: number },
): Promise<Omit<UnlockedNode, 'fresh'>> {
  prepareSchema(db);
  const kdf: KdfParameters = { salt: randomBytes(32), logN: params.kdfLogN, r: 8, p: 1 };
  const wrappingKey = await deriveWrappingKey(params.passphrase, kdf);
  const signingSecretKey = ed25519.utils.randomSecretKey();
  const encryptionSecretKey = x25519.utils.randomSecretKey();
  const secrets = new Writer().fixed(signingSecretKey, 32).fixed(encryptionSecretKey, 32).finish();
  db.exec('BEGIN');
  try {
    setMeta(db, 'format', enc('cairn/node-data/v1'));
    setMeta(db, 'node_id', enc(params.nodeId));
    setMeta(db, 'kdf', encodeKdf(kdf));
    setMeta(db, 'passphrase_check', seal(wrappingKey, CHECK_PLAINTEXT, checkAad(params.nodeId)));
    setMeta(db, 'identity', seal(wrappingKey, secrets, identityAad(params.nodeId)));
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  secrets.fill(0);
  writeMarker(params.dataDir, params.nodeId);
  return { db, wrappingKey, identity: identityOf(params.nodeId, signingSecretKey, encryptionSecretKey) };
}

async function unlockExisting(
  db: DatabaseSync,
  params: { dataDir: string; nodeId: string; passphrase: string },
): Promise<Omit<UnlockedNode, 'fresh'>> {
  const storedId = getMeta(db, 'node_id');
  const kdfBytes = getMeta(db, 'kdf');
  const check = getMeta(db, 'passphrase_check');
  const sealedIdentity = getMeta(db, 'identity');
  if (!storedId || !kdfBytes || !check || !sealedIdentity) {
    throw new NodeError(
      'DATABASE_CORRUPTED',
      'the node database lacks its key metadata; restore it from backup',
    );
  }
  const nodeId = new TextDecoder().decode(storedId);
  if (nodeId !== params.nodeId) {
    throw new NodeError(
      'IDENTITY_MISMATCH',
      `the data directory belongs to node ${nodeId}, but the config says ${params.nodeId}`,
    );
  }
  let kdf: KdfParameters;
  try {
    kdf = decodeKdf(kdfBytes);
  } catch (error) {
    throw new NodeError(
      'DATABASE_CORRUPTED',
      `stored KDF parameters are invalid: ${(error as Error).message}`,
    );
  }
  const wrappingKey = await deriveWrappingKey(params.passphrase, kdf);
  try {
    open(wrappingKey, check, checkAad(nodeId));
  } catch {
    wrappingKey.fill(0);
    throw new NodeError(
      'WRONG_PASSPHRASE',
      'the passphrase does not unlock this node (wrong passphrase, or the key metadata is damaged); nothing was changed',
    );
  }
  let secrets: Uint8Array;
  try {
    secrets = open(wrappingKey, sealedIdentity, identityAad(nodeId));
  } catch {
    throw new NodeError(
      'DATABASE_CORRUPTED',
      'the sealed node identity does not decrypt; restore it from backup',
    );
  }
  const r = new Reader(secrets);
  const signingSecretKey = r.fixed(32);
  const encryptionSecretKey = r.fixed(32);
  secrets.fill(0);
  prepareSchema(db);
  return { db, wrappingKey, identity: identityOf(nodeId, signingSecretKey, encryptionSecretKey) };
}

function identityOf(
  nodeId: string,
  signingSecretKey: Uint8Array,
  encryptionSecretKey: Uint8Array,
): NodeIdentity {
  return {
    nodeId,
    signingSecretKey,
    encryptionSecretKey,
    signingKey: bytesToHex(ed25519.getPublicKey(signingSecretKey)),
    encryptionKey: bytesToHex(x25519.getPublicKey(encryptionSecretKey)),
  };
}
