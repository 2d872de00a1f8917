// FROST(secp256k1, SHA-256), RFC 9591 §6.5, on @noble/curves' secp256k1 group. H1, H2, H3 and
// the DKG hash are RFC 9380 hash_to_field with expand_message_xmd(SHA-256) (noble's hasher).
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MpcError } from '../../errors.ts';
import { Secp256k1Point } from '../../secp256k1-base.ts';
import {
  type Ciphersuite,
  checkLength,
  concat,
  decodeScalar,
  type GroupConstructor,
  type GroupElement,
  nobleMsm,
  type ScalarField,
} from '../ciphersuite.ts';

const enc = (s: string) => new TextEncoder().encode(s);
export const secpPoint = Secp256k1Point as unknown as GroupConstructor & {
  fromBytes(bytes: Uint8Array): GroupElement;
};
export const secpFn = Secp256k1Point.Fn as unknown as ScalarField;

/** Compressed SEC1 decoding: 33 bytes, prefix 02/03, x < p, on the curve. */
export function decodeCompressed(bytes: Uint8Array): GroupElement {
  checkLength(bytes, 33, 'secp256k1 element');
  if (bytes[0] !== 2 && bytes[0] !== 3) throw new MpcError('INVALID_POINT', 'not a compressed point');
  let p: GroupElement;
  try {
    p = secpPoint.fromBytes(bytes);
    p.assertValidity();
  } catch (error) {
    throw new MpcError('INVALID_POINT', 'not a secp256k1 point', { cause: error });
  }
  if (p.is0()) throw new MpcError('INVALID_POINT', 'identity element');
  return p;
}

/**
 * Compressed SEC1 element with its y coordinate supplied: the uncompressed point 04 ‖ x ‖ y is
 * decoded by noble (x, y < p, on the curve), and y's parity must match the 02/03 prefix: the
 * same point decodeCompressed returns, without its square root.
 */
export function decodeHinted(bytes: Uint8Array, hint: Uint8Array): GroupElement {
  checkLength(bytes, 33, 'secp256k1 element');
  checkLength(hint, 32, 'secp256k1 element hint');
  if (bytes[0] !== 2 && bytes[0] !== 3) throw new MpcError('INVALID_POINT', 'not a compressed point');
  if ((hint[31]! & 1) !== bytes[0] - 2)
    throw new MpcError('INVALID_POINT', 'element hint does not match the encoding');
  let p: GroupElement;
  try {
    p = secpPoint.fromBytes(concat(Uint8Array.of(4), bytes.subarray(1), hint));
    p.assertValidity();
  } catch (error) {
    throw new MpcError('INVALID_POINT', 'element hint does not give a secp256k1 point', { cause: error });
  }
  if (p.is0()) throw new MpcError('INVALID_POINT', 'identity element');
  return p;
}

/** The parts shared by the RFC suite and the Taproot (BIP-340) suite. */
export function secp256k1Base(contextString: string) {
  const dst = (tag: string) => ({ DST: enc(`${contextString}${tag}`) });
  const DST = { rho: dst('rho'), chal: dst('chal'), nonce: dst('nonce'), dkg: dst('dkg') };
  const msgPrefix = enc(`${contextString}msg`);
  const comPrefix = enc(`${contextString}com`);
  return {
    contextString,
    Point: secpPoint,
    Fn: secpFn,
    elementLength: 33,
    scalarLength: 32,
    serializeElement(p: GroupElement) {
      if (p.is0()) throw new MpcError('INVALID_POINT', 'cannot serialize the identity element');
      return p.toBytes();
    },
    deserializeElement: decodeCompressed,
    deserializeElementFast: decodeCompressed,
    hintLength: 32,
    elementHint: (p: GroupElement) => Secp256k1Point.Fp.toBytes(p.toAffine().y),
    deserializeElementHinted: decodeHinted,
    // Cofactor 1: every point on the curve is in the prime-order group.
    assertPrimeOrder: (_p: GroupElement) => {},
    serializeScalar: (s: bigint) => secpFn.toBytes(s),
    deserializeScalar: (bytes: Uint8Array, options?: { allowZero?: boolean }) =>
      decodeScalar(secpFn, bytes, options),
    // RFC 9591 §6.5: hash_to_field(m, 1) with DST = contextString || tag.
    H1: (m: Uint8Array) => secp256k1_hasher.hashToScalar(m, DST.rho),
    H2: (m: Uint8Array) => secp256k1_hasher.hashToScalar(m, DST.chal),
    H3: (m: Uint8Array) => secp256k1_hasher.hashToScalar(m, DST.nonce),
    H4: (m: Uint8Array) => sha256(concat(msgPrefix, m)),
    H5: (m: Uint8Array) => sha256(concat(comPrefix, m)),
    HDKG: (m: Uint8Array) => secp256k1_hasher.hashToScalar(m, DST.dkg),
    ownTermInMsm: false,
    // Few points: noble's per-point multiplyUnsafe uses the secp256k1 GLV endomorphism (half
    // the doublings), which beats a shared-doubling Strauss walk up to about three points.
    msm: (points: GroupElement[], scalars: bigint[]) => {
      if (points.length > 3) return nobleMsm(secpPoint, points, scalars, 5);
      let acc = secpPoint.ZERO;
      for (let i = 0; i < points.length; i++) acc = acc.add(points[i]!.multiplyUnsafe(scalars[i]!));
      return acc;
    },
  };
}

const base = secp256k1Base('FROST-secp256k1-SHA256-v1');

export const secp256k1Suite: Ciphersuite = {
  ...base,
  scheme: 'frost-secp256k1',
  publicKeyLength: 33,
  signatureLength: 65,
  xOnly: false,
  challenge: (R, PK, message) => base.H2(concat(R, PK, message)),
  encodePublicKey: (p) => p.toBytes(),
  decodePublicKey: decodeCompressed,
  // RFC 9591 Appendix A: SerializeElement(R) || SerializeScalar(z).
  encodeSignature: (R, z) => concat(R, secpFn.toBytes(z)),
  verify(publicKey, message, signature) {
    try {
      if (signature.length !== 65) return false;
      const PK = decodeCompressed(publicKey);
      const R = decodeCompressed(signature.subarray(0, 33));
      const z = decodeScalar(secpFn, signature.subarray(33), { allowZero: true });
      const c = base.H2(concat(R.toBytes(), PK.toBytes(), message));
      // z·G == R + c·PK
      return secpPoint.BASE.multiplyUnsafe(z).equals(R.add(PK.multiplyUnsafe(c)));
    } catch {
      return false;
    }
  },
};
