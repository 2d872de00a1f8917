// Ed25519 (RFC 8032) signatures for envelopes, through node:crypto (OpenSSL). Every protocol
// message is signed by its sender and verified by its recipient, so this is the transport's hot
// path: OpenSSL signs and verifies in tens of microseconds where the pure-JS implementation
// needs milliseconds on the machines we target, and the per-job overhead budget of the signing
// path (docs/signing-path.md) does not leave room for that. This is not our own cryptography:
// keys are the same 32-byte RFC 8032 seeds and public keys as @noble/curves' ed25519, and the
// tests check interoperability in both directions. Statements (requests, committees) are still
// verified with @noble/curves, as everywhere else in Cairn.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

// DER wrappers for raw Ed25519 keys (RFC 8410): PKCS#8 for the 32-byte seed, SPKI for the public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A signer bound to one secret key (the KeyObject is built once). */
export function ed25519Signer(secretKey: Uint8Array): (message: Uint8Array) => Uint8Array {
  if (secretKey.length !== 32) throw new TypeError('Ed25519 secret key must be 32 bytes');
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secretKey]),
    format: 'der',
    type: 'pkcs8',
  });
  return (message) => new Uint8Array(sign(null, message, key));
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('hex');
  let key = publicKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (publicKeys.size >= 1024) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
}

/** Verifies an Ed25519 signature; false (never a throw) for malformed keys or signatures. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
