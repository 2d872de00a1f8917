// FROST(secp256k1, SHA-256) for BIP-340 Schnorr signatures (Taproot key path), as in the
// frost-secp256k1-tr ciphersuite (contextString FROST-secp256k1-SHA256-TR-v1) that noble's
// schnorr_FROST implements: H1..H5 as in RFC 9591 §6.5, the challenge is the BIP-340 tagged
// hash over x-only encodings, group keys are x-only (32 bytes), signatures are x(R) || s.
//
// Cairn keeps the group key with an even Y coordinate: DKG (and import) negate every share
// when the key's Y is odd, so the 32-byte x-only key loses nothing. At signing, an odd-Y group
// commitment R is handled by negating the nonces (see round2.ts), and a BIP-341 tweak by
// adding t to the effective secret (see taproot-tweak.ts).
import { schnorr } from '@noble/curves/secp256k1.js';
import { MpcError } from '../../errors.ts';
import {
  bytesToInt,
  type Ciphersuite,
  checkLength,
  concat,
  decodeScalar,
  type GroupElement,
} from '../ciphersuite.ts';
import { secp256k1Base, secpFn } from './secp256k1.ts';

const base = secp256k1Base('FROST-secp256k1-SHA256-TR-v1');

/** x-only encoding (BIP-340 bytes(P)). */
export const xOnly = (p: GroupElement): Uint8Array => p.toBytes().subarray(1);
/** True when the point's Y coordinate is even (BIP-340 has_even_y). */
export const hasEvenY = (p: GroupElement): boolean => p.toBytes()[0] === 2;

/** BIP-340 lift_x: the even-Y point with the given x coordinate. */
export function liftX(bytes: Uint8Array): GroupElement {
  checkLength(bytes, 32, 'x-only public key');
  try {
    const p = schnorr.utils.lift_x(bytesToInt(bytes, false)) as unknown as GroupElement;
    if (p.is0()) throw new Error('identity');
    return p;
  } catch (error) {
    throw new MpcError('INVALID_POINT', 'not the x coordinate of a secp256k1 point', { cause: error });
  }
}

/** BIP-340 challenge from SerializeElement(R) and SerializeElement(PK) (33-byte compressed). */
export function challengeBip340(R: Uint8Array, PK: Uint8Array, message: Uint8Array): bigint {
  checkLength(R, 33, 'compressed R');
  checkLength(PK, 33, 'compressed key');
  const h = schnorr.utils.taggedHash('BIP0340/challenge', R.subarray(1), PK.subarray(1), message);
  return secpFn.create(bytesToInt(h, false));
}

export const taprootSuite: Ciphersuite = {
  ...base,
  scheme: 'frost-taproot',
  publicKeyLength: 32,
  signatureLength: 64,
  xOnly: true,
  challenge: challengeBip340,
  encodePublicKey: xOnly,
  decodePublicKey: liftX,
  // x(R) ‖ z: the x coordinate is the same for R and its even-Y negation.
  encodeSignature: (R, z) => concat(R.subarray(1), secpFn.toBytes(z)),
  verify(publicKey, message, signature) {
    try {
      checkLength(publicKey, 32, 'x-only public key');
      if (signature.length !== 64) return false;
      decodeScalar(secpFn, signature.subarray(32), { allowZero: true });
      return schnorr.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};
