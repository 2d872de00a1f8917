// A FROST ciphersuite (RFC 9591 §6): the prime-order group, its canonical element and scalar
// encodings, and the hash functions H1..H5. The protocol code in this folder is written once
// against this interface; each suite in ./suites/ is a thin binding to @noble/curves.
//
// Decoding is the trust boundary: every element or scalar received from a peer goes through
// `deserializeElement` / `deserializeScalar`, which reject wrong lengths (INVALID_LENGTH),
// non-canonical or off-curve encodings and the identity (INVALID_POINT), out-of-range scalars
// (OUT_OF_RANGE) and zero where zero is not allowed (ZERO_SCALAR).
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
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

  /** RFC 9591 §4.6 compute_challenge (BIP-340: the tagged challenge over x-only encodings). */
  challenge(R: GroupElement, PK: GroupElement, message: Uint8Array): bigint;
  /** Encodes the group public key for KeyShare.publicKey and Signature.publicKey. */
  encodePublicKey(p: GroupElement): Uint8Array;
  /** Decodes a group public key (validated like an element). */
  decodePublicKey(bytes: Uint8Array): GroupElement;
  /** Encodes a final signature (R, z). */
  encodeSignature(R: GroupElement, z: bigint): Uint8Array;
  /** Independent verification with the standard verifier of the signature format. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Multi-scalar multiplication over public points and scalars (variable time). */
  msm(points: GroupElement[], scalars: bigint[]): GroupElement;
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
  let n = 0n;
  if (Fn.isLE) for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  else for (let i = 0; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i]!);
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

/** Strauss–Shamir MSM from noble (public inputs); identity for an empty list. */
export function nobleMsm(Point: GroupConstructor, points: GroupElement[], scalars: bigint[]): GroupElement {
  if (points.length === 0) return Point.ZERO;
  // biome-ignore lint/suspicious/noExplicitAny: noble's generic constructor type
  return mulAddUnsafe(Point as any, points as any, scalars) as unknown as GroupElement;
}
