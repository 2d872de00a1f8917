// The transport envelope: one protocol message from one node to another, encrypted to the
// recipient and signed by the sender.
//
//   header    = "cairn/transport-envelope/v1" | version u8 | sessionId | from | to | seq u64 | ephemeralKey (32)
//   key       = HKDF-SHA256(X25519(ephemeral, recipient static), info = session id, both node ids,
//               ephemeral key and recipient key)                       (HPKE-style ephemeral–static, base mode)
//   body      = XChaCha20-Poly1305(key, nonce (24 random bytes), aad = header)
//   signature = Ed25519(sender identity key, header | nonce | ciphertext)
//
// The signature authenticates the sender (a peer can decrypt only what was sent to it, and
// cannot re-sign a stolen envelope as its own, because both node ids are bound into the key);
// the session id and sequence number in the signed header let the receiver refuse replays
// across and within sessions. All lengths are fixed or u32-prefixed (Writer/Reader), so one
// envelope has one encoding.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, equalBytes, MpcError, Reader, Writer } from '@cairn/mpc';
import { ed25519Verify } from './ed25519.ts';
import { TransportError } from './errors.ts';

export const ENVELOPE_FORMAT = 'cairn/transport-envelope/v1';
export const ENVELOPE_VERSION = 1;
export const NONCE_BYTES = 24;
const MAX_NODE_ID = 128;
const MAX_SESSION_ID = 64;
const MIN_SESSION_ID = 16;
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024 - 1024;

export interface EnvelopeHeader {
  readonly version: number;
  readonly sessionId: Uint8Array;
  readonly from: string;
  readonly to: string;
  /** Per (session, sender → recipient) sequence number, starting at 1. */
  readonly seq: bigint;
  /** The sender's ephemeral X25519 public key for this session and recipient. */
  readonly ephemeralKey: Uint8Array;
}

export interface Envelope extends EnvelopeHeader {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly signature: Uint8Array;
}

function writeHeader(w: Writer, h: EnvelopeHeader): Writer {
  return w
    .string(ENVELOPE_FORMAT)
    .u8(h.version)
    .bytes(h.sessionId)
    .string(h.from)
    .string(h.to)
    .u64(h.seq)
    .fixed(h.ephemeralKey, 32);
}

/** Additional data of the AEAD: the whole header. */
export function headerBytes(h: EnvelopeHeader): Uint8Array {
  return writeHeader(new Writer(), h).finish();
}

/** The bytes the sender signs: header, nonce and ciphertext. */
export function signedBytes(e: Omit<Envelope, 'signature'>): Uint8Array {
  return writeHeader(new Writer(), e).fixed(e.nonce, NONCE_BYTES).bytes(e.ciphertext).finish();
}

export function encodeEnvelope(e: Envelope): Uint8Array {
  return writeHeader(new Writer(), e)
    .fixed(e.nonce, NONCE_BYTES)
    .bytes(e.ciphertext)
    .fixed(e.signature, 64)
    .finish();
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  try {
    const r = new Reader(bytes);
    if (r.string(64) !== ENVELOPE_FORMAT)
      throw new TransportError('MALFORMED_ENVELOPE', 'not a Cairn envelope');
    const version = r.u8();
    if (version !== ENVELOPE_VERSION)
      throw new TransportError('UNSUPPORTED_VERSION', `envelope version ${version} is not supported`);
    const sessionId = r.bytes(MAX_SESSION_ID);
    if (sessionId.length < MIN_SESSION_ID)
      throw new TransportError('MALFORMED_ENVELOPE', 'session id shorter than 16 bytes');
    const from = r.string(MAX_NODE_ID);
    const to = r.string(MAX_NODE_ID);
    const seq = r.u64();
    const ephemeralKey = r.fixed(32);
    const nonce = r.fixed(NONCE_BYTES);
    const ciphertext = r.bytes(MAX_PAYLOAD_BYTES + 16);
    const signature = r.fixed(64);
    r.end();
    return { version, sessionId, from, to, seq, ephemeralKey, nonce, ciphertext, signature };
  } catch (error) {
    if (error instanceof TransportError) throw error;
    const message = error instanceof MpcError ? error.message : 'undecodable envelope';
    throw new TransportError('MALFORMED_ENVELOPE', message, { cause: error });
  }
}

/** Session key for one direction of one session: bound to both node ids and both public keys. */
export function deriveEnvelopeKey(params: {
  sharedSecret: Uint8Array;
  sessionId: Uint8Array;
  from: string;
  to: string;
  ephemeralKey: Uint8Array;
  recipientKey: Uint8Array;
}): Uint8Array {
  const enc = new TextEncoder();
  const info = encodeFields('cairn/transport-key/v1', [
    params.sessionId,
    enc.encode(params.from),
    enc.encode(params.to),
    params.ephemeralKey,
    params.recipientKey,
  ]);
  return hkdf(sha256, params.sharedSecret, undefined, info, 32);
}

/** X25519 with the all-zero (low-order point) result refused. */
export function x25519Shared(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secretKey, publicKey);
  } catch (error) {
    throw new TransportError('DECRYPTION_FAILED', 'invalid X25519 public key', { cause: error });
  }
  if (equalBytes(shared, new Uint8Array(32)))
    throw new TransportError('DECRYPTION_FAILED', 'X25519 shared secret is zero (low-order key)');
  return shared;
}

/** An ephemeral X25519 key pair for one (session, recipient). */
export function ephemeralKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** Encrypts and signs `payload` for `header.to`, with an already-derived key. */
export function sealEnvelope(params: {
  header: EnvelopeHeader;
  key: Uint8Array;
  payload: Uint8Array;
  /** Signs with the sender's Ed25519 identity key (see ed25519Signer). */
  sign: (message: Uint8Array) => Uint8Array;
}): Envelope {
  if (params.payload.length > MAX_PAYLOAD_BYTES)
    throw new TransportError('MALFORMED_ENVELOPE', `payload of ${params.payload.length} bytes is too large`);
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = xchacha20poly1305(params.key, nonce, headerBytes(params.header)).encrypt(params.payload);
  const unsigned = { ...params.header, nonce, ciphertext };
  const signature = params.sign(signedBytes(unsigned));
  return { ...unsigned, signature };
}

/** True when the envelope's signature verifies under the sender's identity key. */
export function verifyEnvelopeSignature(e: Envelope, senderSigningKey: Uint8Array): boolean {
  return ed25519Verify(e.signature, signedBytes(e), senderSigningKey);
}

/** Decrypts an envelope's payload with the derived key; DECRYPTION_FAILED when tampered. */
export function openEnvelope(e: Envelope, key: Uint8Array): Uint8Array {
  try {
    return xchacha20poly1305(key, e.nonce, headerBytes(e)).decrypt(e.ciphertext);
  } catch (error) {
    throw new TransportError('DECRYPTION_FAILED', 'envelope does not decrypt (tampered or misaddressed)', {
      cause: error,
    });
  }
}
