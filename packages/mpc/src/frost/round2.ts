// RFC 9591 round two: binding factors (§4.4), group commitment (§4.5), challenge (§4.6),
// Lagrange coefficients (§4.2) and the signature share (§5.2). The functions work on decoded
// points so the protocol decodes each peer's message once; `signShare` is the byte-level
// RFC function used with the test vectors.
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Ciphersuite, concat, type GroupElement, type ScalarField } from './ciphersuite.ts';
import type { SigningCommitment, SigningNonces } from './round1.ts';

/** A commitment with its points decoded. Lists are sorted by identifier, without duplicates. */
export interface CommitmentEntry extends SigningCommitment {
  readonly D: GroupElement;
  readonly E: GroupElement;
}

/**
 * Σ ρ_j·E_j for a fixed set of signers' binding commitments, prepared ahead of the message
 * (a presignature's peers, see `fixedPointsMsm`): `multiply` takes the binding
 * factors in the order of `identifiers`.
 */
export interface PreparedCommitments {
  readonly identifiers: readonly PartyId[];
  multiply(factors: readonly bigint[]): GroupElement;
}

/**
 * The key a signing session signs for. For plain RFC suites it is the group key. For BIP-340
 * it is the (possibly tweaked) key normalised to even Y: `keyTweak` is added to every share
 * and `keyNegated` says whether the tweaked key had odd Y (then the effective secret is negated).
 */
export interface SigningKey {
  readonly PK: GroupElement;
  /** SerializeElement(PK): the group key as it enters the binding-factor input (§4.4). */
  readonly PKElement: Uint8Array;
  readonly keyTweak: bigint;
  readonly keyNegated: boolean;
}

export function plainSigningKey(suite: Ciphersuite, PK: GroupElement): SigningKey {
  return { PK, PKElement: suite.serializeElement(PK), keyTweak: 0n, keyNegated: false };
}

/** Everything every signer derives from the commitment list and the message. */
export interface PreparedSigning {
  readonly entries: readonly CommitmentEntry[];
  readonly identifiers: readonly bigint[];
  readonly bindingFactors: readonly bigint[];
  /** The group commitment R as computed (§4.5). */
  readonly R: GroupElement;
  /** SerializeElement(R), computed once (challenge input and signature encoding). */
  readonly RElement: Uint8Array;
  /** R as used in the verification equation (BIP-340: negated when R has odd Y). */
  readonly REffective: GroupElement;
  /** True when the nonces' contribution is negated (BIP-340, odd-Y R). */
  readonly nonceNegated: boolean;
  readonly challenge: bigint;
  /** H5(encode_group_commitment_list(...)): signers compare it to detect differing views. */
  readonly commitmentListHash: Uint8Array;
}

/** RFC 9591 §4.3 encode_group_commitment_list. */
export function encodeGroupCommitmentList(
  suite: Ciphersuite,
  entries: readonly SigningCommitment[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) parts.push(suite.serializeScalar(BigInt(e.identifier)), e.hiding, e.binding);
  return concat(...parts);
}

/** Sorts by identifier and rejects duplicates (§5.2 requires a sorted list of distinct signers). */
export function sortCommitments<T extends SigningCommitment>(list: readonly T[]): T[] {
  const sorted = [...list].sort((a, b) => a.identifier - b.identifier);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.identifier === sorted[i - 1]!.identifier)
      throw new MpcError('INVALID_PARAMETERS', `commitment list names signer ${sorted[i]!.identifier} twice`);
  }
  return sorted;
}

/**
 * RFC 9591 §4.4 compute_binding_factors. Returns the factors aligned with `entries`, the
 * binding-factor inputs (for the vectors) and the commitment-list hash.
 */
export function computeBindingFactors(
  suite: Ciphersuite,
  PKElement: Uint8Array,
  entries: readonly SigningCommitment[],
  message: Uint8Array,
): { factors: bigint[]; inputs: Uint8Array[]; commitmentListHash: Uint8Array } {
  const commitmentListHash = suite.H5(encodeGroupCommitmentList(suite, entries));
  const prefix = concat(PKElement, suite.H4(message), commitmentListHash);
  const inputs = entries.map((e) => concat(prefix, suite.serializeScalar(BigInt(e.identifier))));
  return { factors: inputs.map((input) => suite.H1(input)), inputs, commitmentListHash };
}

/**
 * RFC 9591 §4.5 compute_group_commitment: Σ D_i + Σ ρ_i·E_i, the second sum as one
 * variable-time MSM (every point and scalar in it is public). A signer that knows its own
 * nonces passes them as `own`: on suites where it is cheaper (`ownTermInMsm` false) its term is
 * then (d_i + ρ_i·e_i)·G, one constant-time multiplication on the precomputed base-point table
 * (the scalar is secret); otherwise (E_i, ρ_i) simply joins the MSM. Same point either way.
 * The E_j of signers covered by `prepared` (a presignature's peers) go through its prepared
 * MSM instead, and the own term then uses the base table.
 */
export function computeGroupCommitment(
  suite: Ciphersuite,
  entries: readonly CommitmentEntry[],
  factors: readonly bigint[],
  own?: { identifier: PartyId; nonces: SigningNonces },
  prepared?: PreparedCommitments,
): GroupElement {
  const { Fn } = suite;
  let sum = suite.Point.ZERO;
  const points: GroupElement[] = [];
  const scalars: bigint[] = [];
  const preparedFactors = new Map<PartyId, bigint>();
  // With prepared terms there is no long doubling chain for the own term to share.
  const ownInMsm = suite.ownTermInMsm && prepared === undefined;
  entries.forEach((e, i) => {
    if (prepared?.identifiers.includes(e.identifier)) {
      sum = sum.add(e.D);
      preparedFactors.set(e.identifier, factors[i]!);
      return;
    }
    if (own && !ownInMsm && e.identifier === own.identifier) {
      const k = Fn.add(own.nonces.hiding, Fn.mul(own.nonces.binding, factors[i]!));
      if (k !== 0n) sum = sum.add(suite.Point.BASE.multiply(k));
      return;
    }
    sum = sum.add(e.D);
    points.push(e.E);
    scalars.push(factors[i]!);
  });
  if (prepared) {
    if (preparedFactors.size !== prepared.identifiers.length)
      throw new MpcError('INVALID_PARAMETERS', 'prepared commitments do not match the commitment list');
    sum = sum.add(prepared.multiply(prepared.identifiers.map((id) => preparedFactors.get(id)!)));
  }
  const R = sum.add(suite.msm(points, scalars));
  // The identity cannot be serialized (§3.1); honest nonces make this negligible.
  if (R.is0()) throw new MpcError('INVALID_POINT', 'group commitment is the identity');
  return R;
}

/** RFC 9591 §4.2 derive_interpolating_value(L, x_i): λ_i at 0 over the set `xs`. */
export function deriveInterpolatingValue(Fn: ScalarField, xs: readonly bigint[], xi: bigint): bigint {
  let num = 1n;
  let den = 1n;
  let found = false;
  for (const xj of xs) {
    if (xj === xi) {
      if (found) throw new MpcError('INVALID_PARAMETERS', 'duplicate interpolation point');
      found = true;
      continue;
    }
    num = Fn.mul(num, xj);
    den = Fn.mul(den, Fn.sub(xj, xi));
  }
  if (!found) throw new MpcError('INVALID_PARAMETERS', 'interpolation point not in the set');
  return Fn.mul(num, Fn.inv(den));
}

/** §4.4–§4.6 for one session: binding factors, group commitment, challenge. */
export function prepareSigning(
  suite: Ciphersuite,
  key: SigningKey,
  entries: readonly CommitmentEntry[],
  message: Uint8Array,
  own?: { identifier: PartyId; nonces: SigningNonces },
  prepared?: PreparedCommitments,
): PreparedSigning {
  const { factors, commitmentListHash } = computeBindingFactors(suite, key.PKElement, entries, message);
  const R = computeGroupCommitment(suite, entries, factors, own, prepared);
  // The one affine conversion of R: challenge input, parity and signature encoding.
  const RElement = suite.serializeElement(R);
  // BIP-340 signs with the even-Y version of R: negate the nonces' contribution when R is odd.
  const nonceNegated = suite.xOnly && RElement[0] === 3;
  const REffective = nonceNegated ? R.negate() : R;
  return {
    entries,
    identifiers: entries.map((e) => BigInt(e.identifier)),
    bindingFactors: factors,
    R,
    RElement,
    REffective,
    nonceNegated,
    challenge: suite.challenge(RElement, key.PKElement, message),
    commitmentListHash,
  };
}

/** The scalar a signer multiplies by λ·c: its share, tweaked and sign-adjusted (BIP-340/341). */
export function effectiveSecret(suite: Ciphersuite, key: SigningKey, signingShare: bigint): bigint {
  const s = suite.Fn.add(signingShare, key.keyTweak);
  return key.keyNegated ? suite.Fn.neg(s) : s;
}

/** RFC 9591 §5.2 sign (z_i = d_i + e_i·ρ_i + λ_i·s_i·c), on a prepared session. */
export function computeSignatureShare(
  suite: Ciphersuite,
  prepared: PreparedSigning,
  identifier: PartyId,
  nonces: SigningNonces,
  secret: bigint,
): bigint {
  const { Fn } = suite;
  const index = prepared.entries.findIndex((e) => e.identifier === identifier);
  if (index < 0)
    throw new MpcError('INVALID_PARAMETERS', `signer ${identifier} is not in the commitment list`);
  const rho = prepared.bindingFactors[index]!;
  const lambda = deriveInterpolatingValue(Fn, prepared.identifiers, BigInt(identifier));
  let k = Fn.add(nonces.hiding, Fn.mul(nonces.binding, rho));
  if (prepared.nonceNegated) k = Fn.neg(k);
  return Fn.add(k, Fn.mul(Fn.mul(lambda, secret), prepared.challenge));
}

export interface SignShareParameters {
  suite: Ciphersuite;
  identifier: PartyId;
  signingShare: bigint;
  nonces: SigningNonces;
  commitments: readonly SigningCommitment[];
  message: Uint8Array;
  /** SerializeElement of the group public key. */
  groupPublicKey: Uint8Array;
}

/** RFC 9591 §5.2 sign(identifier, sk_i, group_public_key, nonce_i, msg, commitment_list). */
export function signShare(p: SignShareParameters): Uint8Array {
  const { suite } = p;
  const PK = suite.deserializeElement(p.groupPublicKey);
  const entries = decodeCommitments(suite, p.commitments);
  const prepared = prepareSigning(suite, plainSigningKey(suite, PK), entries, p.message);
  const z = computeSignatureShare(suite, prepared, p.identifier, p.nonces, p.signingShare);
  return suite.serializeScalar(z);
}

/** Decodes (fully validated) and sorts a commitment list. */
export function decodeCommitments(
  suite: Ciphersuite,
  commitments: readonly SigningCommitment[],
): CommitmentEntry[] {
  return sortCommitments(
    commitments.map((c) => ({
      ...c,
      D: suite.deserializeElement(c.hiding),
      E: suite.deserializeElement(c.binding),
    })),
  );
}
