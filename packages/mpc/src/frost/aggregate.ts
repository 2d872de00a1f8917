// RFC 9591 §5.3 aggregate and §5.4 identifiable abort. The aggregate is verified once (one
// equation); only when it fails is each share verified, to name the signer whose share is
// invalid. No function here returns a signature that did not pass the verification equation.
import { MpcError, ProtocolAbortError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import type { Ciphersuite, GroupElement } from './ciphersuite.ts';
import type { SigningCommitment } from './round1.ts';
import {
  decodeCommitments,
  deriveInterpolatingValue,
  plainSigningKey,
  prepareSigning,
  type PreparedSigning,
  type SigningKey,
} from './round2.ts';

/** z·G − c·PK == R (BIP-340: the even-Y R). One base-point and one key multiplication. */
export function verifyAggregate(
  suite: Ciphersuite,
  key: SigningKey,
  prepared: PreparedSigning,
  z: bigint,
): boolean {
  const lhs = suite.Point.BASE.multiplyUnsafe(z).subtract(key.PK.multiplyUnsafe(prepared.challenge));
  return lhs.equals(prepared.REffective);
}

/** The verifying share as it enters the share check: tweaked and sign-adjusted like the secret. */
export function effectiveVerifyingShare(suite: Ciphersuite, key: SigningKey, Y: GroupElement): GroupElement {
  const Yt = key.keyTweak === 0n ? Y : Y.add(suite.Point.BASE.multiplyUnsafe(key.keyTweak));
  return key.keyNegated ? Yt.negate() : Yt;
}

/**
 * RFC 9591 §5.4 verify_signature_share: z_i·G == (D_i + ρ_i·E_i) + (c·λ_i)·Y_i. Also applies the
 * full subgroup check to the signer's commitments (deferred from the hot path on Ed25519).
 */
export function verifySignatureShare(
  suite: Ciphersuite,
  key: SigningKey,
  prepared: PreparedSigning,
  identifier: PartyId,
  share: bigint,
  verifyingShare: GroupElement,
): boolean {
  const index = prepared.entries.findIndex((e) => e.identifier === identifier);
  if (index < 0) return false;
  const entry = prepared.entries[index]!;
  try {
    suite.assertPrimeOrder(entry.D);
    suite.assertPrimeOrder(entry.E);
    suite.assertPrimeOrder(verifyingShare);
  } catch {
    return false;
  }
  const { Fn } = suite;
  let commShare = entry.D.add(entry.E.multiplyUnsafe(prepared.bindingFactors[index]!));
  if (prepared.nonceNegated) commShare = commShare.negate();
  const lambda = deriveInterpolatingValue(Fn, prepared.identifiers, BigInt(identifier));
  const Y = effectiveVerifyingShare(suite, key, verifyingShare);
  const rhs = commShare.add(Y.multiplyUnsafe(Fn.mul(prepared.challenge, lambda)));
  return suite.Point.BASE.multiplyUnsafe(share).equals(rhs);
}

export interface AggregateSharesParameters {
  suite: Ciphersuite;
  key: SigningKey;
  prepared: PreparedSigning;
  /** Signature shares aligned with `prepared.entries`. */
  shares: readonly bigint[];
  /** Each signer's verifying share (untweaked), needed only when the aggregate fails. */
  verifyingShare: (identifier: PartyId) => GroupElement;
  /** The party running the check, for the abort's `detectedBy`. */
  detectedBy?: PartyId | null;
}

/**
 * §5.3 aggregate + verification. Returns the encoded signature, or throws ProtocolAbortError
 * INVALID_SHARE naming the first signer whose share fails §5.4 (INVALID_SIGNATURE with no
 * culprit if every share verifies but the aggregate does not).
 */
export function aggregateShares(p: AggregateSharesParameters): { signature: Uint8Array; z: bigint } {
  const { suite, key, prepared } = p;
  if (p.shares.length !== prepared.entries.length)
    throw new MpcError('INVALID_PARAMETERS', 'one signature share per commitment is required');
  let z = 0n;
  for (const s of p.shares) z = suite.Fn.add(z, s);
  if (verifyAggregate(suite, key, prepared, z)) {
    return { signature: suite.encodeSignature(prepared.RElement, z), z };
  }
  prepared.entries.forEach((entry, i) => {
    if (
      !verifySignatureShare(
        suite,
        key,
        prepared,
        entry.identifier,
        p.shares[i]!,
        p.verifyingShare(entry.identifier),
      )
    ) {
      throw new ProtocolAbortError({
        code: 'INVALID_SHARE',
        culprit: entry.identifier,
        detectedBy: p.detectedBy ?? null,
        message: 'signature share fails verification (RFC 9591 §5.4)',
      });
    }
  });
  throw new ProtocolAbortError({
    code: 'INVALID_SIGNATURE',
    culprit: null,
    detectedBy: p.detectedBy ?? null,
    message: 'aggregate signature does not verify although every share does',
  });
}

export interface AggregateParameters {
  suite: Ciphersuite;
  /** SerializeElement of the group public key. */
  groupPublicKey: Uint8Array;
  commitments: readonly SigningCommitment[];
  message: Uint8Array;
  signatureShares: readonly { identifier: PartyId; share: Uint8Array }[];
  /** SerializeElement of each signer's verifying share (used to identify a cheater). */
  verifyingShares: ReadonlyMap<PartyId, Uint8Array>;
}

/** RFC 9591 §5.3 aggregate(commitment_list, msg, group_public_key, sig_shares), byte level. */
export function aggregate(p: AggregateParameters): Uint8Array {
  const { suite } = p;
  const key = plainSigningKey(suite, suite.deserializeElement(p.groupPublicKey));
  const prepared = prepareSigning(suite, key, decodeCommitments(suite, p.commitments), p.message);
  const byId = new Map(p.signatureShares.map((s) => [s.identifier, s.share]));
  const shares = prepared.entries.map((e) => {
    const s = byId.get(e.identifier);
    if (!s) throw new MpcError('INVALID_PARAMETERS', `no signature share from signer ${e.identifier}`);
    return suite.deserializeScalar(s, { allowZero: true });
  });
  return aggregateShares({
    suite,
    key,
    prepared,
    shares,
    verifyingShare: (id) => {
      const y = p.verifyingShares.get(id);
      if (!y) throw new MpcError('INVALID_PARAMETERS', `no verifying share for signer ${id}`);
      return suite.deserializeElement(y);
    },
  }).signature;
}
