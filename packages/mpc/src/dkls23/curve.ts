// secp256k1 scalars and points for DKLs23, with the fixed-width, validating encodings every
// received value goes through: scalars are 32-byte big-endian integers in [0, n) (or [1, n)
// where zero is not allowed), points are 33-byte SEC1 compressed encodings of a non-identity
// curve point. Hashes into the scalar field take 48 bytes so the reduction bias is < 2^-128.
import { createHash } from 'node:crypto';
import { ScalarMultiplier } from '@noble/curves/abstract/curve.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { encodeFields } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import { Secp256k1Point } from '../secp256k1-base.ts';
import type { RandomBytes } from '../scheme.ts';

export const Point = Secp256k1Point;
export type Point = InstanceType<typeof Secp256k1Point>;
export const G: Point = Point.BASE;
/** The group order n. */
export const N: bigint = Point.Fn.ORDER;
export const SCALAR_BYTES = 32;

/**
 * k·G for a secret k ∈ [1, n): noble's constant-time, scalar-blinded `multiply` over the
 * process-wide window-10 table of noble's `Point.BASE` (secp256k1-base.ts): one base-point table
 * for FROST and DKLs23, not two.
 */
export function mulBase(k: bigint): Point {
  return G.multiply(k);
}

const kernels = new ScalarMultiplier(Point);

/**
 * k·P for a secret k ∈ [1, n) and a fresh (un-tabled) point P: noble's constant-time fixed-window
 * kernel (`ScalarMultiplier.mulCT`: a 32-entry table, then per 5-bit window five doublings, a scan
 * of the whole table and one addition; digits extracted by shift and mask, no digit-dependent
 * branch), without the 128-bit scalar blinding `Point.multiply` adds on top, which lengthens the
 * chain from 256 to 384 bits (1.5× the cost). Returns a projective point.
 */
export function mulSecretPoint(P: Point, k: bigint): Point {
  if (k <= 0n || k >= N) throw new MpcError('INVALID_SCALAR', 'secret multiplier out of range');
  return kernels.mulCT(P, k).p;
}

/**
 * λ: secp256k1's GLV endomorphism eigenvalue (ψ(x, y) = (β·x, y) = λ·(x, y); λ³ ≡ 1 mod n), the one
 * @noble/curves' `multiplyUnsafe` splits scalars along.
 */
const LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;
if ((((LAMBDA * LAMBDA) % N) * LAMBDA) % N !== 1n) throw new Error('secp256k1 λ is not a cube root of unity');

/**
 * A 128-bit challenge in "split" form: ρ = ρ_1 + ρ_2·λ mod n with ρ_1, ρ_2 the two 64-bit halves of
 * 16 hash bytes. The map (ρ_1, ρ_2) ↦ ρ is injective on [0, 2^64)² — a collision would give a
 * non-zero (a, b) with a + b·λ ≡ 0 mod n and |a|, |b| < 2^64, far shorter than the shortest vector
 * of that lattice (≈ 2^128, the GLV basis) — so ρ is uniform on 2^128 values, as a 128-bit ρ is.
 * noble's GLV split of such a ρ returns (ρ_1, ρ_2) themselves, so ρ·P (public P, variable time)
 * costs about half of a multiplication by a 128-bit integer.
 */
export function splitChallenge(bytes16: Uint8Array): bigint {
  if (bytes16.length !== 16) throw new MpcError('INVALID_LENGTH', 'challenge must be 16 bytes');
  const rho1 = bytesToNumberBE(bytes16.subarray(0, 8));
  const rho2 = bytesToNumberBE(bytes16.subarray(8, 16));
  return mod(rho1 + rho2 * LAMBDA);
}
export const POINT_BYTES = 33;

export const mod = (a: bigint): bigint => {
  const r = a % N;
  return r < 0n ? r + N : r;
};

export function invert(a: bigint): bigint {
  if (mod(a) === 0n) throw new MpcError('ZERO_SCALAR', 'cannot invert zero');
  return Point.Fn.inv(mod(a));
}

export function scalarToBytes(a: bigint): Uint8Array {
  return numberToBytesBE(mod(a), SCALAR_BYTES);
}

/** Decodes a received scalar: exactly 32 bytes, < n, and non-zero unless `allowZero`. */
export function scalarFromBytes(bytes: Uint8Array, allowZero = false): bigint {
  if (bytes.length !== SCALAR_BYTES) throw new MpcError('INVALID_LENGTH', 'scalar must be 32 bytes');
  const a = bytesToNumberBE(bytes);
  if (a >= N) throw new MpcError('INVALID_SCALAR', 'scalar is not below the group order');
  if (a === 0n && !allowZero) throw new MpcError('ZERO_SCALAR', 'scalar must not be zero');
  return a;
}

export function pointToBytes(p: Point): Uint8Array {
  if (p.is0()) throw new MpcError('INVALID_POINT', 'cannot encode the identity');
  return p.toBytes(true);
}

/** Decodes a received point: 33-byte compressed, on the curve, not the identity. */
export function pointFromBytes(bytes: Uint8Array): Point {
  if (bytes.length !== POINT_BYTES) throw new MpcError('INVALID_LENGTH', 'point must be 33 bytes');
  let p: Point;
  try {
    p = Point.fromBytes(bytes); // decodes and checks the curve equation (assertValidity)
  } catch (error) {
    throw new MpcError('INVALID_POINT', 'not a valid compressed secp256k1 point', { cause: error });
  }
  if (p.is0()) throw new MpcError('INVALID_POINT', 'point is the identity');
  return p;
}

/** A uniformly random non-zero scalar from `random` (64 bytes reduced: bias < 2^-256). */
export function randomScalar(random: RandomBytes): bigint {
  for (;;) {
    const a = bytesToNumberBE(random(64)) % N;
    if (a !== 0n) return a;
  }
}

/** SHA-256 of the injective encoding of (domain, fields). */
export function hashFields(domain: string, fields: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(createHash('sha256').update(encodeFields(domain, fields)).digest());
}

/** `count` scalars from one SHAKE256 stream over (domain, fields), 48 bytes each, reduced. */
export function hashToScalars(domain: string, fields: readonly Uint8Array[], count: number): bigint[] {
  const out = createHash('shake256', { outputLength: 48 * count })
    .update(encodeFields(domain, fields))
    .digest();
  const scalars: bigint[] = new Array(count);
  for (let i = 0; i < count; i++) scalars[i] = bytesToNumberBE(out.subarray(48 * i, 48 * i + 48)) % N;
  return scalars;
}

/** Hash into Z_n: the first (and only) scalar of `hashToScalars`. */
export function hashToScalar(domain: string, fields: readonly Uint8Array[]): bigint {
  return hashToScalars(domain, fields, 1)[0]!;
}

export const u16 = (v: number): Uint8Array => Uint8Array.of(v >>> 8, v & 0xff);
export const u32 = (v: number): Uint8Array =>
  Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

/** Lagrange coefficient at 0 of party `i` within `set` (Shamir x-coordinates = party ids). */
export function lagrangeAtZero(i: number, set: readonly number[]): bigint {
  let num = 1n;
  let den = 1n;
  for (const j of set) {
    if (j === i) continue;
    num = (num * BigInt(j)) % N;
    den = mod(den * BigInt(j - i));
  }
  return mod(num * invert(den));
}

/** Σ_k C_k · x^k: the Feldman commitment of a polynomial evaluated at x (public values). */
export function evalCommitment(commitment: readonly Point[], x: number): Point {
  let acc = Point.ZERO;
  let power = 1n;
  const bx = BigInt(x);
  for (const c of commitment) {
    acc = acc.add(power === 1n ? c : c.multiplyUnsafe(power));
    power = (power * bx) % N;
  }
  return acc;
}

export function evalPolynomial(coefficients: readonly bigint[], x: number): bigint {
  let acc = 0n;
  const bx = BigInt(x);
  for (let k = coefficients.length - 1; k >= 0; k--) acc = mod(acc * bx + coefficients[k]!);
  return acc;
}

export const defaultRandom: RandomBytes = (length) => {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
};
