// RFC 9591 §4.1 nonce generation and §5.1 round one (commit).
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Ciphersuite, checkLength, concat, type GroupElement } from './ciphersuite.ts';

/** A signer's secret nonce pair for one signing session. Use once, then drop. */
export interface SigningNonces {
  readonly hiding: bigint;
  readonly binding: bigint;
}

/** A signer's public commitment to its nonces (RFC 9591 §5.1 comm_i). */
export interface SigningCommitment {
  readonly identifier: PartyId;
  readonly hiding: Uint8Array;
  readonly binding: Uint8Array;
}

/**
 * RFC 9591 §4.1 nonce_generate(secret): H3(random_bytes(32) || SerializeScalar(secret)).
 * Hedged: a weak RNG alone does not make the nonce predictable to whoever lacks the secret.
 */
export function nonceGenerate(suite: Ciphersuite, secret: bigint, randomness: Uint8Array): bigint {
  checkLength(randomness, 32, 'nonce randomness');
  const nonce = suite.H3(concat(randomness, suite.serializeScalar(secret)));
  // A zero nonce would publish the identity as commitment (probability ~2^-252).
  if (nonce === 0n) throw new MpcError('ZERO_SCALAR', 'nonce_generate produced zero');
  return nonce;
}

export interface CommitParameters {
  suite: Ciphersuite;
  identifier: PartyId;
  signingShare: bigint;
  /** 32 fresh random bytes each (fixed in the RFC vectors). */
  hidingRandomness: Uint8Array;
  bindingRandomness: Uint8Array;
}

export interface CommitReturnType {
  nonces: SigningNonces;
  commitment: SigningCommitment;
  /** The commitment points, decoded (avoids re-parsing one's own commitment). */
  points: { hiding: GroupElement; binding: GroupElement };
}

/** RFC 9591 §5.1 commit(sk_i): two nonces and their commitments. Pure given the randomness. */
export function commit(p: CommitParameters): CommitReturnType {
  const { suite } = p;
  const hiding = nonceGenerate(suite, p.signingShare, p.hidingRandomness);
  const binding = nonceGenerate(suite, p.signingShare, p.bindingRandomness);
  // Secret scalars: noble's constant-time path with the precomputed base-point tables.
  const D = suite.Point.BASE.multiply(hiding);
  const E = suite.Point.BASE.multiply(binding);
  return {
    nonces: { hiding, binding },
    commitment: {
      identifier: p.identifier,
      hiding: suite.serializeElement(D),
      binding: suite.serializeElement(E),
    },
    points: { hiding: D, binding: E },
  };
}
