// BIP-341 key-path tweak for the BIP-340 suite: t = int(hash_TapTweak(bytes(P) || merkle_root)),
// Q = P + t·G. The signers add t to their effective secret (Σ λ_i·(s_i + t) = s + t) and, when Q
// has odd Y, negate it, so the signature verifies under the x-only key bytes(Q).
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { MpcError } from '../errors.ts';
import { bytesToInt, type Ciphersuite, type GroupElement } from './ciphersuite.ts';
import type { SigningKey } from './round2.ts';
import { hasEvenY, xOnly } from './suites/taproot.ts';

/** BIP-341 taproot_tweak_pubkey's t; `merkleRoot` null means a key-path-only output (BIP-86). */
export function taprootTweak(suite: Ciphersuite, P: GroupElement, merkleRoot: Uint8Array | null): bigint {
  if (merkleRoot !== null && (!(merkleRoot instanceof Uint8Array) || merkleRoot.length !== 32)) {
    throw new MpcError('INVALID_LENGTH', 'taproot Merkle root must be 32 bytes (or null for none)');
  }
  const h = schnorr.utils.taggedHash('TapTweak', xOnly(P), merkleRoot ?? new Uint8Array(0));
  const t = bytesToInt(h, false);
  if (t >= suite.Fn.ORDER) throw new MpcError('OUT_OF_RANGE', 'TapTweak hash is not below the group order');
  return t;
}

// Tweaked signing keys per internal key P (P objects are cached per group key, see
// key-package.ts) and Merkle root: a wallet signs many times for the same output key, so Q is
// computed once and, from its second use on, gets a precomputed table like the group key (the
// final verification multiplies c·Q).
const tweaked = new WeakMap<GroupElement, Map<string, { key: SigningKey; uses: number }>>();
const MAX_TWEAKS_PER_KEY = 16;

/** taprootSigningKey, cached per (P, merkleRoot). */
export function cachedTaprootSigningKey(
  suite: Ciphersuite,
  P: GroupElement,
  merkleRoot: Uint8Array | null,
): SigningKey {
  const id = merkleRoot === null ? 'none' : merkleRoot instanceof Uint8Array ? bytesToHex(merkleRoot) : '';
  let perKey = tweaked.get(P);
  const hit = id === '' ? undefined : perKey?.get(id);
  if (hit) {
    if (++hit.uses === 2) hit.key.PK.precompute(8, true);
    return hit.key;
  }
  const key = taprootSigningKey(suite, P, merkleRoot);
  if (!perKey) {
    perKey = new Map();
    tweaked.set(P, perKey);
  }
  perKey.set(id, { key, uses: 1 });
  if (perKey.size > MAX_TWEAKS_PER_KEY) perKey.delete(perKey.keys().next().value!);
  return key;
}

/** The signing key for the output key Q = P + t·G (P has even Y, as Cairn stores it). */
export function taprootSigningKey(
  suite: Ciphersuite,
  P: GroupElement,
  merkleRoot: Uint8Array | null,
): SigningKey {
  if (!suite.xOnly) throw new MpcError('UNSUPPORTED', `${suite.scheme} has no Taproot tweak`);
  const t = taprootTweak(suite, P, merkleRoot);
  const Q = t === 0n ? P : P.add(suite.Point.BASE.multiplyUnsafe(t));
  if (Q.is0()) throw new MpcError('INVALID_POINT', 'tweaked key is the identity');
  const keyNegated = !hasEvenY(Q);
  const PK = keyNegated ? Q.negate() : Q;
  return { PK, PKElement: suite.serializeElement(PK), keyTweak: t, keyNegated };
}
