// secp256k1 scalars and points for DKLs23, with the fixed-width, validating encodings every
// received value goes through: scalars are 32-byte big-endian integers in [0, n) (or [1, n)
// where zero is not allowed), points are 33-byte SEC1 compressed encodings of a non-identity
// curve point. Hashes into the scalar field take 48 bytes so the reduction bias is < 2^-128.
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { encodeFields } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import type { RandomBytes } from '../scheme.ts';

export const Point = secp256k1.Point;
export type Point = InstanceType<typeof secp256k1.Point>;
export const G: Point = Point.BASE;
/** The group order n. */
export const N: bigint = Point.Fn.ORDER;
export const SCALAR_BYTES = 32;
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

/** Hash into Z_n (48 bytes of SHAKE256, reduced). */
export function hashToScalar(domain: string, fields: readonly Uint8Array[]): bigint {
  const out = createHash('shake256', { outputLength: 48 }).update(encodeFields(domain, fields)).digest();
  return bytesToNumberBE(out) % N;
}

/** `count` scalars from one SHAKE256 stream over (domain, fields). */
export function hashToScalars(domain: string, fields: readonly Uint8Array[], count: number): bigint[] {
  const out = createHash('shake256', { outputLength: 48 * count })
    .update(encodeFields(domain, fields))
    .digest();
  const scalars: bigint[] = new Array(count);
  for (let i = 0; i < count; i++) scalars[i] = bytesToNumberBE(out.subarray(48 * i, 48 * i + 48)) % N;
  return scalars;
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
