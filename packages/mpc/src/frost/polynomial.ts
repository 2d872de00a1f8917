// Shamir sharing and Feldman VSS (RFC 9591 Appendix C), shared by DKG, refresh and reshare.
import { MpcError } from '../errors.ts';
import type { RandomBytes } from '../scheme.ts';
import { bytesToInt, type Ciphersuite, type GroupElement } from './ciphersuite.ts';

/** A uniformly random non-zero scalar (Ns + 16 random bytes reduced mod n: bias < 2^-128). */
export function randomScalar(suite: Ciphersuite, random: RandomBytes): bigint {
  for (;;) {
    const bytes = random(suite.scalarLength + 16);
    if (!(bytes instanceof Uint8Array) || bytes.length !== suite.scalarLength + 16) {
      throw new MpcError('INVALID_PARAMETERS', 'random source returned the wrong number of bytes');
    }
    const k = suite.Fn.create(bytesToInt(bytes, false));
    if (k !== 0n) return k;
  }
}

/** Appendix C.1 polynomial_evaluate(x, coeffs) by Horner's rule. */
export function evaluatePolynomial(suite: Ciphersuite, coefficients: readonly bigint[], x: bigint): bigint {
  const { Fn } = suite;
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), coefficients[k]!);
  return acc;
}

/**
 * Σ_k x^k·C_k (the public image of a polynomial at x, Appendix C.2 vss_verify's right side),
 * by Horner's rule: x is a small party id, so each step is a short variable-time multiply.
 * `commitments[k]` may be null for an implicit identity (a zero constant term).
 */
export function evaluateCommitment(
  suite: Ciphersuite,
  commitments: readonly (GroupElement | null)[],
  x: number,
): GroupElement {
  const xs = BigInt(x);
  let acc = suite.Point.ZERO;
  for (let k = commitments.length - 1; k >= 0; k--) {
    if (!acc.is0()) acc = acc.multiplyUnsafe(xs);
    const c = commitments[k];
    if (c) acc = acc.add(c);
  }
  return acc;
}

/** Element-wise sum of commitment vectors (all of the same length). */
export function sumCommitments(
  suite: Ciphersuite,
  vectors: readonly (readonly GroupElement[])[],
  length: number,
): GroupElement[] {
  const out: GroupElement[] = Array.from({ length }, () => suite.Point.ZERO);
  for (const v of vectors) for (let k = 0; k < length; k++) out[k] = out[k]!.add(v[k]!);
  return out;
}
