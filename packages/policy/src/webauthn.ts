// WebAuthn assertion verification (W3C Web Authentication Level 2, §7.2 "Verifying an
// Authentication Assertion") for approvals and admin signatures made with passkeys. The
// challenge is the digest of the signed statement, so an assertion is bound to exactly one
// statement. Supported credential algorithms: ES256 (COSE -7, P-256) and EdDSA (COSE -8, Ed25519).
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { ApproverKey } from './state.ts';

export type WebAuthnKey = Extract<ApproverKey, { type: 'webauthn' }>;

export interface VerifyWebAuthnParameters {
  key: WebAuthnKey;
  /** The expected challenge bytes (the statement digest). */
  challenge: Uint8Array;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  /** ES256: ASN.1 DER ECDSA signature; EdDSA: 64-byte Ed25519 signature. */
  signature: Uint8Array;
}

/** Returns null when the assertion is valid, or the reason it is not. */
export function webAuthnProblem(p: VerifyWebAuthnParameters): string | null {
  // §7.2 step 11: clientDataJSON is UTF-8 JSON.
  let client: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
  try {
    client = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(p.clientDataJSON));
  } catch {
    return 'clientDataJSON is not UTF-8 JSON';
  }
  if (typeof client !== 'object' || client === null) return 'clientDataJSON is not an object';
  // Step 12: an assertion, not a registration.
  if (client.type !== 'webauthn.get') return 'clientData.type is not webauthn.get';
  // Step 13: the challenge is base64url(statement digest).
  if (client.challenge !== base64url(p.challenge)) return 'clientData.challenge does not match the statement';
  // Step 14: an expected origin.
  if (typeof client.origin !== 'string' || !p.key.origins.includes(client.origin)) {
    return `clientData.origin ${JSON.stringify(client.origin)} is not an allowed origin`;
  }
  if (client.crossOrigin === true) return 'cross-origin assertions are not accepted';
  // authenticatorData: rpIdHash (32) ‖ flags (1) ‖ signCount (4) ‖ [extensions].
  const ad = p.authenticatorData;
  if (ad.length < 37) return 'authenticatorData is shorter than 37 bytes';
  // Step 15: rpIdHash.
  if (!equalBytes(ad.subarray(0, 32), sha256(utf8ToBytes(p.key.rpId))))
    return 'rpIdHash does not match the key rpId';
  const flags = ad[32]!;
  // Step 16: user present.
  if ((flags & 0x01) === 0) return 'the user-present flag is not set';
  // Step 17: user verified, unless the key says otherwise.
  if (p.key.requireUserVerification !== false && (flags & 0x04) === 0)
    return 'the user-verified flag is not set';
  // Steps 19-20: signature over authenticatorData ‖ sha256(clientDataJSON).
  const signed = new Uint8Array(ad.length + 32);
  signed.set(ad, 0);
  signed.set(sha256(p.clientDataJSON), ad.length);
  const pub = hexToBytesSafe(p.key.publicKey);
  if (!pub) return 'the stored public key is not hex';
  try {
    if (p.key.alg === 'ES256') {
      // WebAuthn ES256 signatures are DER and may be high-S (authenticators do not normalize).
      if (!p256.verify(p.signature, signed, pub, { format: 'der', prehash: true, lowS: false })) {
        return 'the ES256 signature does not verify';
      }
    } else if (!ed25519.verify(p.signature, signed, pub, { zip215: false })) {
      return 'the EdDSA signature does not verify';
    }
  } catch {
    return `the ${p.key.alg} signature or public key is malformed`;
  }
  return null;
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict base64url (no padding, no other characters); null when malformed. */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

export function hexToBytesSafe(hex: string): Uint8Array | null {
  if (!/^([0-9a-f]{2})*$/.test(hex)) return null;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
