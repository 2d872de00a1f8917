// Non-interactive proofs and commitments used by DKLs23 key generation (ePrint 2023/765,
// §3 "Functionalities": F_Com for commitments and F_ZK^{R_DL} for discrete-log proofs).
// - Schnorr proof of knowledge of x with X = x·G, made non-interactive with Fiat–Shamir over a
//   context that names the session, the prover and the purpose (so a proof never transfers).
// - Hash commitments H(domain, context, salt, message) with a 32-byte random salt.
import type { Reader, Writer } from '../encoding.ts';
import type { RandomBytes } from '../scheme.ts';
import {
  G,
  hashFields,
  hashToScalar,
  mod,
  type Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
} from './curve.ts';

export interface DlogProof {
  readonly commitment: Point;
  readonly response: bigint;
}

export const DLOG_PROOF_BYTES = 33 + 32;

function challenge(context: Uint8Array, statement: Point, commitment: Point): bigint {
  return hashToScalar('cairn/dkls23/dlog-proof/v1', [
    context,
    pointToBytes(statement),
    pointToBytes(commitment),
  ]);
}

/** Proves knowledge of `x` for X = x·G, bound to `context`. */
export function proveDlog(x: bigint, statement: Point, context: Uint8Array, random: RandomBytes): DlogProof {
  const k = randomScalar(random);
  const commitment = G.multiply(k);
  const c = challenge(context, statement, commitment);
  return { commitment, response: mod(k + c * x) };
}

/** Verifies z·G == A + c·X (public values only: variable-time arithmetic is fine). */
export function verifyDlog(proof: DlogProof, statement: Point, context: Uint8Array): boolean {
  const c = challenge(context, statement, proof.commitment);
  const lhs = G.multiply(proof.response);
  const rhs = proof.commitment.add(statement.multiplyUnsafe(c));
  return lhs.equals(rhs);
}

export function writeDlogProof(w: Writer, proof: DlogProof): void {
  w.fixed(pointToBytes(proof.commitment), 33).fixed(scalarToBytes(proof.response), 32);
}

export function readDlogProof(r: Reader): DlogProof {
  return { commitment: pointFromBytes(r.fixed(33)), response: scalarFromBytes(r.fixed(32), true) };
}

/** H(domain, context, salt, message): binding and (with a random salt) hiding. */
export function commit(context: Uint8Array, message: Uint8Array, salt: Uint8Array): Uint8Array {
  return hashFields('cairn/dkls23/commit/v1', [context, salt, message]);
}
