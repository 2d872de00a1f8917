// Envelope encryption of secrets at rest (ARCHITECTURE.md §5 "Key shares at rest"): each secret
// gets its own random data key; the data key is encrypted under the wrapping key; both layers
// use XChaCha20-Poly1305 with the same associated data (e.g. node id, key id and version), so a
// sealed blob moved to another row, node or version fails to open instead of being misused.
// The wrapping key comes from the operator passphrase through scrypt (RFC 7914).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { Reader, Writer } from '@cairn/mpc';

const SEALED_FORMAT = 'cairn/sealed/v1';

export class EnvelopeOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeOpenError';
  }
}

export interface KdfParameters {
  salt: Uint8Array;
  logN: number;
  r: number;
  p: number;
}

/** Derives the 32-byte wrapping key from the passphrase (scrypt, N = 2^logN). Call once at startup. */
export async function deriveWrappingKey(passphrase: string, kdf: KdfParameters): Promise<Uint8Array> {
  return scryptAsync(new TextEncoder().encode(passphrase.normalize('NFKC')), kdf.salt, {
    N: 2 ** kdf.logN,
    r: kdf.r,
    p: kdf.p,
    dkLen: 32,
    maxmem: 2 ** 30,
  });
}

/** Encrypts `plaintext` under a fresh data key, and the data key under `wrappingKey`. */
export function sealSecret(wrappingKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const dataKey = randomBytes(32);
  const keyNonce = randomBytes(24);
  const dataNonce = randomBytes(24);
  const wrapped = xchacha20poly1305(wrappingKey, keyNonce, aad).encrypt(dataKey);
  const ciphertext = xchacha20poly1305(dataKey, dataNonce, aad).encrypt(plaintext);
  dataKey.fill(0);
  return new Writer()
    .string(SEALED_FORMAT)
    .fixed(keyNonce, 24)
    .bytes(wrapped)
    .fixed(dataNonce, 24)
    .bytes(ciphertext)
    .finish();
}

/** Opens a sealed blob; EnvelopeOpenError when the key is wrong or the blob or its context changed. */
export function openSecret(wrappingKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  let keyNonce: Uint8Array;
  let wrapped: Uint8Array;
  let dataNonce: Uint8Array;
  let ciphertext: Uint8Array;
  try {
    const r = new Reader(sealed);
    if (r.string(64) !== SEALED_FORMAT) throw new Error('format');
    keyNonce = r.fixed(24);
    wrapped = r.bytes(64);
    dataNonce = r.fixed(24);
    ciphertext = r.bytes();
    r.end();
  } catch {
    throw new EnvelopeOpenError('sealed data is malformed');
  }
  let dataKey: Uint8Array;
  try {
    dataKey = xchacha20poly1305(wrappingKey, keyNonce, aad).decrypt(wrapped);
  } catch {
    throw new EnvelopeOpenError(
      'data key does not unwrap (wrong passphrase, or the data was altered or moved)',
    );
  }
  try {
    return xchacha20poly1305(dataKey, dataNonce, aad).decrypt(ciphertext);
  } catch {
    throw new EnvelopeOpenError('ciphertext does not decrypt (the data was altered)');
  } finally {
    dataKey.fill(0);
  }
}
