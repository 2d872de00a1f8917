// Base oblivious transfers: the "Simplest OT" of Chou–Orlandi (ePrint 2015/267) in the form
// DKLs18 (ePrint 2018/499, Protocol 7) uses, batched over KAPPA = 128 random OTs with one
// sender key. DKLs23 (ePrint 2023/765, §3.3 and Functionality 3.5's set-up) needs these as the
// seeds of the OT extension between every pair of parties.
//
//   sender:   b ←$ Z_n,  S = b·G, with a Schnorr proof of knowledge of b (so S is not a point
//             whose discrete log the sender does not know, and a proof cannot be replayed:
//             it is bound to the session and the sender).
//   receiver: for each i, choice ω_i, a_i ←$ Z_n, A_i = a_i·G + ω_i·S; key k_i = H(ctx, i, S, A_i, a_i·S).
//   sender:   k0_i = H(ctx, i, S, A_i, b·A_i), k1_i = H(ctx, i, S, A_i, b·(A_i − S)).
//
// The receiver learns k_{ω_i} only (CDH); A_i is uniformly distributed whatever ω_i (hiding).
// Every key hash names the session, both parties and the index, so keys of different pairs,
// sessions or indices are independent even if a party reuses points.
import { MpcError } from '../../errors.ts';
import type { RandomBytes } from '../../scheme.ts';
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { G, hashFields, N, Point, pointFromBytes, pointToBytes, u32 } from '../curve.ts';
import { bytesToNumberBE } from '@noble/curves/utils.js';

export const KAPPA = 128;
export const KEY_BYTES = 32;

function key(context: Uint8Array, i: number, S: Uint8Array, A: Uint8Array, shared: Point): Uint8Array {
  return hashFields('cairn/dkls23/base-ot/key/v1', [context, u32(i), S, A, pointToBytes(shared)]);
}

function randomScalars(count: number, random: RandomBytes): bigint[] {
  const bytes = random(64 * count);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const a = bytesToNumberBE(bytes.subarray(64 * i, 64 * i + 64)) % N;
    if (a === 0n) throw new MpcError('INVALID_PARAMETERS', 'random source returned a zero scalar');
    out.push(a);
  }
  return out;
}

/** Receiver side: for choice bits `choices` (KAPPA bits, packed LSB-first), the points to send and the chosen keys. */
export function baseOtReceive(params: {
  context: Uint8Array;
  senderPoint: Point;
  choices: Uint8Array;
  random: RandomBytes;
}): { points: Uint8Array; keys: Uint8Array[] } {
  const { context, senderPoint, choices } = params;
  const S = pointToBytes(senderPoint);
  // The sender's point is fixed for the whole batch: a window table makes a_i·S as cheap as a_i·G
  // (constant-time multiplication, like a_i·G).
  const base = Point.fromAffine(senderPoint.toAffine());
  base.precompute(6, false);
  const a = randomScalars(KAPPA, params.random);
  const projective: Point[] = [];
  for (let i = 0; i < KAPPA; i++) {
    const bit = (choices[i >> 3]! >>> (i & 7)) & 1;
    const aG = G.multiply(a[i]!);
    // A_i = a_i·G + ω_i·S: the addition is computed whatever the (secret) choice.
    const withS = aG.add(senderPoint);
    projective.push(bit === 1 ? withS : aG, base.multiply(a[i]!));
  }
  // One shared inversion for all 256 affine conversions.
  const affine = normalizeZ(Point, projective);
  const points = new Uint8Array(KAPPA * 33);
  const keys: Uint8Array[] = [];
  for (let i = 0; i < KAPPA; i++) {
    const A = pointToBytes(affine[2 * i]!);
    points.set(A, 33 * i);
    keys.push(key(context, i, S, A, affine[2 * i + 1]!));
  }
  return { points, keys };
}

/**
 * Sender side: both keys of every OT, from the receiver's points (validated here).
 * b·A_i uses noble's variable-time wNAF multiplication (documented in docs/dkls23.md): b is a
 * fresh one-time secret of this key set-up, and the 128 multiplications are the dominant cost
 * of key generation.
 */
export function baseOtSend(params: {
  context: Uint8Array;
  secret: bigint;
  senderPoint: Point;
  points: Uint8Array;
}): { keys0: Uint8Array[]; keys1: Uint8Array[] } {
  const { context, secret, senderPoint, points } = params;
  if (points.length !== KAPPA * 33) throw new MpcError('INVALID_LENGTH', 'wrong number of base-OT points');
  const S = pointToBytes(senderPoint);
  const bS = senderPoint.multiply(secret);
  const projective: Point[] = [];
  for (let i = 0; i < KAPPA; i++) {
    const Ai = pointFromBytes(points.subarray(33 * i, 33 * i + 33));
    const y = Ai.multiplyUnsafe(secret);
    const y1 = y.subtract(bS);
    // b·(A_i − S) is the identity only if A_i = S (a receiver choosing 1 with a_i = 0): refuse.
    if (y1.is0()) throw new MpcError('INVALID_POINT', 'base-OT point equals the sender point');
    projective.push(y, y1);
  }
  const affine = normalizeZ(Point, projective);
  const keys0: Uint8Array[] = [];
  const keys1: Uint8Array[] = [];
  for (let i = 0; i < KAPPA; i++) {
    const A = points.subarray(33 * i, 33 * i + 33);
    keys0.push(key(context, i, S, A, affine[2 * i]!));
    keys1.push(key(context, i, S, A, affine[2 * i + 1]!));
  }
  return { keys0, keys1 };
}
