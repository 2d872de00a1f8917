// BIP-32 non-hardened public derivation for a threshold key. Every party derives the same
// additive tweak from the public key and the chain code agreed at key generation:
//   I = HMAC-SHA512(c_par, ser_P(K_par) || ser_32(i)),  K_child = K_par + I_L·G,  c_child = I_R,
// so the child secret is sk + Σ I_L and no party needs to know sk (BIP-32, "Public parent key →
// public child key"). Hardened indices (≥ 2^31) need the parent secret and are refused.
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { MpcError } from '../errors.ts';
import type { DerivedKey } from '../scheme.ts';
import { G, mod, N, pointFromBytes, pointToBytes, scalarToBytes, u32 } from './curve.ts';

export const HARDENED_OFFSET = 0x80000000;

export function assertDerivationPath(path: unknown): asserts path is readonly number[] {
  if (!Array.isArray(path) || path.length > 255) {
    throw new MpcError('INVALID_PARAMETERS', 'derivation path must be a list of at most 255 indices');
  }
  for (const i of path) {
    if (!Number.isInteger(i) || i < 0 || i >= HARDENED_OFFSET) {
      throw new MpcError(
        'INVALID_PARAMETERS',
        `derivation index ${String(i)} must be a non-hardened integer in [0, 2^31) (hardened derivation needs the whole key)`,
      );
    }
  }
}

/** Public child key, chain code and the total additive tweak along `path`. */
export function deriveChild(params: {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  path: readonly number[];
}): DerivedKey {
  assertDerivationPath(params.path);
  if (params.chainCode.length !== 32) throw new MpcError('INVALID_LENGTH', 'chain code must be 32 bytes');
  let key = pointFromBytes(params.publicKey);
  let chainCode = params.chainCode.slice();
  let tweak = 0n;
  for (const index of params.path) {
    const I = hmac(sha512, chainCode, new Uint8Array([...pointToBytes(key), ...u32(index)]));
    const il = bytesToNumberBE(I.subarray(0, 32));
    if (il >= N)
      throw new MpcError(
        'INVALID_PARAMETERS',
        `BIP-32 index ${index} gives an invalid child; use the next index`,
      );
    key = il === 0n ? key : key.add(G.multiply(il));
    if (key.is0())
      throw new MpcError(
        'INVALID_PARAMETERS',
        `BIP-32 index ${index} gives the identity; use the next index`,
      );
    chainCode = I.slice(32);
    tweak = mod(tweak + il);
  }
  return { publicKey: pointToBytes(key), chainCode, tweak: scalarToBytes(tweak) };
}
