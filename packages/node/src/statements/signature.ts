// Ed25519 signatures over domain-separated canonical JSON (`@cairn/canonical` signingBytes), the
// one way every Cairn statement is signed, so a signature for one kind of statement can never be
// replayed as another.
import { ed25519 } from '@noble/curves/ed25519.js';
import { signingBytes } from '@cairn/canonical';
import { bytesToHex, hexToBytes } from './encoding.ts';

export type Hex = `0x${string}`;

/** Signs `value` under `domain` with an Ed25519 secret key; returns the 0x-hex signature. */
export function signStatement(domain: string, value: unknown, secretKey: Uint8Array): Hex {
  return bytesToHex(ed25519.sign(signingBytes(domain, value), secretKey));
}

/** Verifies an Ed25519 signature over `value` under `domain`. Never throws on malformed input. */
export function verifyStatement(
  domain: string,
  value: unknown,
  publicKey: string,
  signature: string,
): boolean {
  try {
    return ed25519.verify(hexToBytes(signature), signingBytes(domain, value), hexToBytes(publicKey));
  } catch {
    return false;
  }
}

/** The 0x-hex Ed25519 public key of a secret key. */
export function publicKeyOf(secretKey: Uint8Array): Hex {
  return bytesToHex(ed25519.getPublicKey(secretKey));
}

/** A fresh Ed25519 secret key (32 bytes) from the platform CSPRNG. */
export function randomSigningKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}
