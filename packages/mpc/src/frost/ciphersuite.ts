// A FROST ciphersuite (RFC 9591 §6): the prime-order group, its canonical element and scalar
// encodings, and the hash functions H1..H5. The protocol code in this folder is written once
// against this interface; each suite in ./suites/ is a thin binding to @noble/curves.
//
// Decoding is the trust boundary: every element or scalar received from a peer goes through
// `deserializeElement` / `deserializeScalar`, which reject wrong lengths (INVALID_LENGTH),
// non-canonical or off-curve encodings and the identity (INVALID_POINT), out-of-range scalars
// (OUT_OF_RANGE) and zero where zero is not allowed (ZERO_SCALAR).
import { interleavedMSMUnsafe, mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { MpcError } from '../errors.ts';
import type { SchemeId } from '../share.ts';

/** The subset of a @noble/curves point used here (Edwards and Weierstrass points both fit). */
export interface GroupElement {
  add(other: GroupElement): GroupElement;
  subtract(other: GroupElement): GroupElement;
  negate(): GroupElement;
  double(): GroupElement;
  /** Constant-time (as far as noble provides it); for secret scalars in [1, n). */
  multiply(scalar: bigint): GroupElement;
  /** Variable-time; public scalars only. */
  multiplyUnsafe(scalar: bigint): GroupElement;
  equals(other: GroupElement): boolean;
  is0(): boolean;
  toBytes(): Uint8Array;
  toAffine(): { x: bigint; y: bigint };
  isTorsionFree(): boolean;
  assertValidity(): void;
  precompute(windowSize?: number, isLazy?: boolean): GroupElement;
}

/** The scalar field Z/nZ of the group (noble's IField<bigint>, the parts used here). */
export interface ScalarField {
  readonly ORDER: bigint;
  readonly BYTES: number;
  readonly isLE: boolean;
  create(n: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  inv(a: bigint): bigint;
  toBytes(a: bigint): Uint8Array;
}

export interface GroupConstructor {
  readonly BASE: GroupElement;
  readonly ZERO: GroupElement;
  readonly Fn: ScalarField;
}

export interface Ciphersuite {
  /** The Cairn scheme this suite implements. */
  readonly scheme: SchemeId;
  /** RFC 9591 contextString, e.g. `FROST-ED25519-SHA512-v1`. */
  readonly contextString: string;
  readonly Point: GroupConstructor;
  readonly Fn: ScalarField;
  /** Length of SerializeElement output (Ne). */
  readonly elementLength: number;
  /** Length of SerializeScalar output (Ns). */
  readonly scalarLength: number;
  /** Length of an encoded group public key (x-only keys: 32). */
  readonly publicKeyLength: number;
  /** Length of a final signature. */
  readonly signatureLength: number;
  /** True for BIP-340 (x-only keys, even-Y normalisation, Taproot tweak). */
  readonly xOnly: boolean;

  /** RFC 9591 §3.1 SerializeElement. Throws INVALID_POINT for the identity. */
  serializeElement(p: GroupElement): Uint8Array;
  /**
   * RFC 9591 §3.1 DeserializeElement with every check: length, canonical encoding, on curve,
   * not the identity, in the prime-order subgroup.
   */
  deserializeElement(bytes: Uint8Array): GroupElement;
  /**
   * DeserializeElement without the prime-order-subgroup check (which costs a full scalar
   * multiplication on Ed25519). Only for hot paths whose later, exact equation check implies
   * subgroup membership of whatever ends in a signature or a key; see docs/frost.md.
   * Identical to deserializeElement on cofactor-1 groups.
   */
  deserializeElementFast(bytes: Uint8Array): GroupElement;
  /**
   * Length of an element hint: the affine coordinate SerializeElement leaves out (Ed25519: x,
   * little-endian; secp256k1: y, big-endian), sent next to a compressed element so that the
   * receiver needs no square root to decode it.
   */
  readonly hintLength: number;
  /** The hint of `p` (see hintLength). */
  elementHint(p: GroupElement): Uint8Array;
  /**
   * deserializeElementFast with the missing coordinate supplied: accepts exactly the elements
   * deserializeElementFast accepts, and only with the one hint that matches (the coordinate is
   * checked against the encoding's sign/parity bit and the curve equation), without the square
   * root. Anything else: INVALID_LENGTH or INVALID_POINT.
   */
  deserializeElementHinted(bytes: Uint8Array, hint: Uint8Array): GroupElement;
  /** Full subgroup check of an already decoded element; throws INVALID_POINT. */
  assertPrimeOrder(p: GroupElement): void;
  /** RFC 9591 §3.1 SerializeScalar. */
  serializeScalar(s: bigint): Uint8Array;
  /** RFC 9591 §3.1 DeserializeScalar; zero is rejected (ZERO_SCALAR) unless `allowZero`. */
  deserializeScalar(bytes: Uint8Array, options?: { allowZero?: boolean }): bigint;

  /** RFC 9591 H1: binding factors (§4.4). */
  H1(m: Uint8Array): bigint;
  /** RFC 9591 H2: the challenge hash (§4.6). */
  H2(m: Uint8Array): bigint;
  /** RFC 9591 H3: nonce generation (§4.1). */
  H3(m: Uint8Array): bigint;
  /** RFC 9591 H4: message hash in the binding factor input (§4.4). */
  H4(m: Uint8Array): Uint8Array;
  /** RFC 9591 H5: commitment list hash (§4.4). */
  H5(m: Uint8Array): Uint8Array;
  /** Hash to scalar for DKG proofs of knowledge (contextString || "dkg"). */
  HDKG(m: Uint8Array): bigint;

  /**
   * RFC 9591 §4.6 compute_challenge over SerializeElement(R) and SerializeElement(PK) (BIP-340:
   * the tagged challenge over their x-only parts). Takes encodings so that each point is
   * converted to affine coordinates once per signing.
   */
  challenge(R: Uint8Array, PK: Uint8Array, message: Uint8Array): bigint;
  /** Encodes the group public key for KeyShare.publicKey and Signature.publicKey. */
  encodePublicKey(p: GroupElement): Uint8Array;
  /** Decodes a group public key (validated like an element). */
  decodePublicKey(bytes: Uint8Array): GroupElement;
  /** Encodes a final signature from SerializeElement(R) and z (BIP-340: x(R) ‖ z). */
  encodeSignature(R: Uint8Array, z: bigint): Uint8Array;
  /** Independent verification with the standard verifier of the signature format. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Multi-scalar multiplication over public points and scalars (variable time). */
  msm(points: GroupElement[], scalars: bigint[]): GroupElement;
  /**
   * How a signer computes its own group-commitment term D_i + ρ_i·E_i (§4.5): true adds
   * (E_i, ρ_i) to the peers' MSM (public point, public scalar; cheaper where the MSM shares one
   * doubling chain, Ed25519), false uses (d_i + ρ_i·e_i)·G on the constant-time base table
   * (cheaper where per-point GLV multiplication is used, secp256k1). Same point either way.
   */
  readonly ownTermInMsm: boolean;
}

/** Shared helpers for suite definitions. */
export function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new MpcError('INVALID_LENGTH', `${what} must be ${length} bytes, got ${bytes?.length}`);
  }
}

/** Scalar decoding shared by every suite: fixed length, < order, non-zero unless allowed. */
export function decodeScalar(
  Fn: ScalarField,
  bytes: Uint8Array,
  options: { allowZero?: boolean } = {},
): bigint {
  checkLength(bytes, Fn.BYTES, 'scalar');
  const n = bytesToInt(bytes, Fn.isLE);
  if (n >= Fn.ORDER) throw new MpcError('OUT_OF_RANGE', 'scalar is not reduced modulo the group order');
  if (n === 0n && !options.allowZero) throw new MpcError('ZERO_SCALAR', 'scalar is zero');
  return n;
}

/** Byte string to integer (big- or little-endian), for hash outputs reduced mod the order. */
export function bytesToInt(bytes: Uint8Array, littleEndian: boolean): bigint {
  let n = 0n;
  if (littleEndian) for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  else for (let i = 0; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Strauss–Shamir MSM from noble (public inputs); identity for an empty list. `window` 4 is
 * noble's mulAddUnsafe; 5 (interleavedMSMUnsafe, odd-multiple tables of 8 points) does ~15%
 * fewer additions for the 1–20 fresh points of a signing or DKG round (measured ~6% faster
 * on Ed25519 for two points).
 */
export function nobleMsm(
  Point: GroupConstructor,
  points: GroupElement[],
  scalars: bigint[],
  window: 4 | 5 = 4,
): GroupElement {
  if (points.length === 0) return Point.ZERO;
  // noble's generic point types, bridged to this file's structural GroupElement.
  type NoblePoints = Parameters<typeof mulAddUnsafe>[1];
  const P = Point as unknown as Parameters<typeof mulAddUnsafe>[0];
  const pts = points as unknown as NoblePoints;
  if (window === 5) return interleavedMSMUnsafe(P, pts, 5)(scalars) as unknown as GroupElement;
  return mulAddUnsafe(P, pts, scalars) as unknown as GroupElement;
}

/**
 * Σ s_i·P_i for points fixed in advance and scalars below 2^bits supplied later (public inputs
 * only). Each P_i is split into `chunks` points P_i·2^(k·w), w = ⌈bits/chunks⌉ (repeated
 * `double()`), and noble's width-5 interleaved MSM tables for all of them are built now; a
 * call splits each scalar into its w-bit chunks (Σ_k s_i,k·2^(k·w) = s_i, an identity over
 * the integers, so the result is exactly Σ s_i·P_i for any points, torsion included) and walks
 * one doubling chain of w steps instead of ~bits. Costs ~bits doublings per point up front.
 */
export function fixedPointsMsm(
  Point: GroupConstructor,
  points: readonly GroupElement[],
  bits: number,
  chunks: number,
): (scalars: readonly bigint[]) => GroupElement {
  const width = Math.ceil(bits / chunks);
  const shifted: GroupElement[] = [];
  for (const P of points) {
    let Q = P;
    for (let k = 0; k < chunks; k++) {
      if (k > 0) for (let i = 0; i < width; i++) Q = Q.double();
      shifted.push(Q);
    }
  }
  type NoblePoints = Parameters<typeof interleavedMSMUnsafe>[1];
  const P = Point as unknown as Parameters<typeof interleavedMSMUnsafe>[0];
  const walk = interleavedMSMUnsafe(P, shifted as unknown as NoblePoints, 5);
  const shift = BigInt(width);
  const mask = (1n << shift) - 1n;
  const limit = 1n << BigInt(bits);
  return (scalars) => {
    if (scalars.length !== points.length)
      throw new MpcError('INVALID_PARAMETERS', 'one scalar per prepared point is required');
    const split: bigint[] = [];
    for (let s of scalars) {
      if (s < 0n || s >= limit) throw new MpcError('OUT_OF_RANGE', 'scalar too large');
      for (let k = 0; k < chunks; k++) {
        split.push(s & mask);
        s >>= shift;
      }
    }
    return walk(split) as unknown as GroupElement;
  };
}
