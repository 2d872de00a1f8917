// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures (type 0x01), and the
// timestamped Ed25519 cosignatures of C2SP tlog-cosignature (type 0x04, "cosignature/v1").
//
// A note is UTF-8 text ending in a newline, a blank line, then signature lines
// "— <key name> base64(key ID (4 bytes, big-endian) || signature)". The key ID is
// SHA-256(name || 0x0A || type || public key)[:4]. Verifier keys are shared as
// "<name>+<hex key ID>+<base64(type || public key)>" (signed-note §Verifier keys).
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AuditError } from './errors.ts';

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof SIG_ED25519 | typeof SIG_COSIGNATURE_V1;

const textEncoder = new TextEncoder();
const EM_DASH_PREFIX = '\u2014 ';
/** Verifiers must accept at least 16 signatures (signed-note §Format); we cap at 100 like Go's note. */
export const MAX_SIGNATURES = 100;
const MAX_NOTE_BYTES = 1 << 20;

/** Key names are non-empty and contain no Unicode spaces and no '+' (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && !/[\s+]/u.test(name) && !hasControl(name);
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

/** SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32. */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const n = textEncoder.encode(name);
  const buf = new Uint8Array(n.length + 2 + publicKey.length);
  buf.set(n, 0);
  buf[n.length] = 0x0a;
  buf[n.length + 1] = type;
  buf.set(publicKey, n.length + 2);
  const h = sha256(buf);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/** A public key that verifies note signatures of one type. */
export interface NoteVerifierKey {
  name: string;
  type: SignatureType;
  keyId: number;
  publicKey: Uint8Array;
}

/** Parses "<name>+<hex key ID>+<base64(type || key)>", checking the ID matches the key. */
export function parseVerifierKey(vkey: string): NoteVerifierKey {
  if (typeof vkey !== 'string') throw new AuditError('MALFORMED_KEY', 'a verifier key must be a string');
  // Names never contain '+', the key ID is hex, so the first two '+' split; base64 may hold more.
  const a = vkey.indexOf('+');
  const b = a < 0 ? -1 : vkey.indexOf('+', a + 1);
  if (a < 0 || b < 0) {
    throw new AuditError('MALFORMED_KEY', `verifier key must be <name>+<hex key id>+<base64 key>: ${vkey}`);
  }
  const name = vkey.slice(0, a);
  const idHex = vkey.slice(a + 1, b);
  const keyB64 = vkey.slice(b + 1);
  if (!isValidKeyName(name))
    throw new AuditError('MALFORMED_KEY', `invalid key name in verifier key: ${vkey}`);
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw new AuditError('MALFORMED_KEY', `key id must be 8 hex digits: ${vkey}`);
  const raw = decodeBase64Strict(keyB64);
  if (raw?.length !== 33) throw new AuditError('MALFORMED_KEY', `key must be base64 of 33 bytes: ${vkey}`);
  const type = raw[0]!;
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) {
    throw new AuditError('MALFORMED_KEY', `unsupported signature type 0x${type.toString(16)} in ${vkey}`);
  }
  const publicKey = raw.slice(1);
  const id = keyId(name, type, publicKey);
  if (id !== Number.parseInt(idHex, 16)) {
    throw new AuditError('MALFORMED_KEY', `key id ${idHex} does not match the key in ${vkey}`);
  }
  return { name, type, keyId: id, publicKey };
}

export function formatVerifierKey(k: Omit<NoteVerifierKey, 'keyId'>): string {
  const raw = new Uint8Array(33);
  raw[0] = k.type;
  raw.set(k.publicKey, 1);
  const id = keyId(k.name, k.type, k.publicKey);
  return `${k.name}+${id.toString(16).padStart(8, '0')}+${Buffer.from(raw).toString('base64')}`;
}

/** A signer of notes (the log owner, type 0x01) or of cosignatures (a witness, type 0x04). */
export class NoteSigner {
  readonly name: string;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
  readonly keyId: number;
  readonly #secretKey: Uint8Array;

  constructor(params: { name: string; type: SignatureType; secretKey: Uint8Array }) {
    if (!isValidKeyName(params.name))
      throw new AuditError('MALFORMED_KEY', `invalid key name '${params.name}'`);
    if (!(params.secretKey instanceof Uint8Array) || params.secretKey.length !== 32) {
      throw new AuditError('MALFORMED_KEY', 'an Ed25519 secret key is 32 bytes');
    }
    this.name = params.name;
    this.type = params.type;
    this.#secretKey = params.secretKey.slice();
    this.publicKey = ed25519.getPublicKey(this.#secretKey);
    this.keyId = keyId(this.name, this.type, this.publicKey);
  }

  /** A fresh random key. */
  static generate(name: string, type: SignatureType): NoteSigner {
    return new NoteSigner({ name, type, secretKey: ed25519.utils.randomSecretKey() });
  }

  get verifierKey(): string {
    return formatVerifierKey({ name: this.name, type: this.type, publicKey: this.publicKey });
  }

  /** Signs raw bytes; the caller is responsible for what the bytes mean. */
  signBytes(message: Uint8Array): Uint8Array {
    return ed25519.sign(message, this.#secretKey);
  }

  /** A note signature line over `text` (type 0x01 only). */
  signatureLine(text: string): string {
    if (this.type !== SIG_ED25519)
      throw new AuditError('INVALID_ARGUMENT', 'use cosign() for a cosigner key');
    return formatSignatureLine(this.name, this.keyId, this.signBytes(textEncoder.encode(text)));
  }
}

/** "— <name> base64(keyID || signature)\n" */
export function formatSignatureLine(name: string, id: number, signature: Uint8Array): string {
  const raw = new Uint8Array(4 + signature.length);
  new DataView(raw.buffer).setUint32(0, id);
  raw.set(signature, 4);
  return `${EM_DASH_PREFIX}${name} ${Buffer.from(raw).toString('base64')}\n`;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
  /** The whole line, newline included, for re-serialising. */
  line: string;
}

export interface ParsedNote {
  /** The signed text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

/** Splits a signed note into text and signature lines; checks syntax only. */
export function parseNote(note: string): ParsedNote {
  if (typeof note !== 'string') throw new AuditError('MALFORMED_NOTE', 'a note must be a string');
  if (textEncoder.encode(note).length > MAX_NOTE_BYTES)
    throw new AuditError('MALFORMED_NOTE', 'note too large');
  if (hasControl(note)) throw new AuditError('MALFORMED_NOTE', 'note contains control characters');
  if (!note.endsWith('\n')) throw new AuditError('MALFORMED_NOTE', 'note must end with a newline');
  // The text is separated from the signatures by the last empty line.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new AuditError('MALFORMED_NOTE', 'note has no signature block');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) throw new AuditError('MALFORMED_NOTE', 'too many signatures');
  const signatures: NoteSignature[] = [];
  for (const line of sigLines) {
    if (!line.startsWith(EM_DASH_PREFIX))
      throw new AuditError('MALFORMED_NOTE', `bad signature line: ${line}`);
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const raw = space > 0 ? decodeBase64Strict(rest.slice(space + 1)) : null;
    if (!isValidKeyName(name) || !raw || raw.length < 5) {
      throw new AuditError('MALFORMED_NOTE', `bad signature line: ${line}`);
    }
    const id = new DataView(raw.buffer, raw.byteOffset).getUint32(0);
    signatures.push({ name, keyId: id, signature: raw.slice(4), line: `${line}\n` });
  }
  return { text, signatures };
}

/** Text plus signature lines, per signed-note §Format. */
export function formatNote(text: string, signatureLines: readonly string[]): string {
  if (!text.endsWith('\n')) throw new AuditError('MALFORMED_NOTE', 'note text must end with a newline');
  return `${text}\n${signatureLines.join('')}`;
}

/** The message a cosignature/v1 signs: header, time line, then the whole note body. */
export function cosignatureMessage(text: string, timestamp: bigint): Uint8Array {
  return textEncoder.encode(`cosignature/v1\ntime ${timestamp.toString()}\n${text}`);
}

/** A cosignature line: key ID || u64 big-endian timestamp || Ed25519 signature (tlog-cosignature). */
export function cosign(signer: NoteSigner, text: string, timestamp: bigint): string {
  if (signer.type !== SIG_COSIGNATURE_V1) throw new AuditError('INVALID_ARGUMENT', 'not a cosigner key');
  if (timestamp < 0n || timestamp > 2n ** 63n - 1n) throw new AuditError('INVALID_ARGUMENT', 'bad timestamp');
  const sig = signer.signBytes(cosignatureMessage(text, timestamp));
  const body = new Uint8Array(8 + 64);
  new DataView(body.buffer).setBigUint64(0, timestamp);
  body.set(sig, 8);
  return formatSignatureLine(signer.name, signer.keyId, body);
}

export interface VerifiedSignature {
  name: string;
  type: SignatureType;
  /** For cosignatures: the cosigner's POSIX timestamp. */
  timestamp?: bigint;
}

/**
 * Verifies one signature against a known key. Returns the verified signature, or throws
 * INVALID_SIGNATURE when the key matches (name and ID) but the signature does not verify.
 */
export function verifySignature(text: string, sig: NoteSignature, key: NoteVerifierKey): VerifiedSignature {
  if (sig.name !== key.name || sig.keyId !== key.keyId) {
    throw new AuditError('UNKNOWN_KEY', `signature by ${sig.name} is not from key ${key.name}`);
  }
  if (key.type === SIG_ED25519) {
    if (
      sig.signature.length === 64 &&
      ed25519.verify(sig.signature, textEncoder.encode(text), key.publicKey, { zip215: false })
    ) {
      return { name: key.name, type: key.type };
    }
  } else {
    if (sig.signature.length === 72) {
      const timestamp = new DataView(sig.signature.buffer, sig.signature.byteOffset).getBigUint64(0);
      const ok =
        timestamp <= 2n ** 63n - 1n &&
        ed25519.verify(sig.signature.subarray(8), cosignatureMessage(text, timestamp), key.publicKey, {
          zip215: false,
        });
      if (ok) return { name: key.name, type: key.type, timestamp };
    }
  }
  throw new AuditError('INVALID_SIGNATURE', `signature by ${key.name} does not verify`);
}

export interface OpenedNote extends ParsedNote {
  /** Verified signatures by known keys, one per key. */
  verified: VerifiedSignature[];
}

/**
 * Parses a note and verifies every signature line from a known key (signed-note §Signatures):
 * unknown keys are ignored, a failing signature from a known key rejects the whole note.
 */
export function openNote(note: string, keys: readonly NoteVerifierKey[]): OpenedNote {
  const parsed = parseNote(note);
  const verified: VerifiedSignature[] = [];
  const seen = new Set<string>();
  for (const sig of parsed.signatures) {
    const key = keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!key) continue;
    const v = verifySignature(parsed.text, sig, key);
    const tag = `${key.name}+${key.keyId}`;
    if (!seen.has(tag)) {
      seen.add(tag);
      verified.push(v);
    }
  }
  return { ...parsed, verified };
}

/** Strict standard base64 (RFC 4648 §4): canonical padding, so one value has one text form. */
export function decodeBase64Strict(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  const bytes = Buffer.from(s, 'base64');
  // Reject non-canonical encodings (non-zero padding bits), so one signature has one text form.
  if (bytes.toString('base64') !== s) return null;
  return Uint8Array.from(bytes);
}
