// The dealing rounds DKG, refresh and reshare share (Feldman VSS, RFC 9591 Appendix C.2): every
// dealer broadcasts commitments to its polynomial (round 1), then sends each receiving party its
// share behind a hash of every round-1 broadcast (round 2: an echo, so a dealer that equivocated
// is caught). The receiver checks the sum of its shares against the summed commitments and
// derives every verifying share from them.
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeFields, equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, ProtocolAbortError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Ciphersuite, concat, type GroupElement } from './ciphersuite.ts';
import { evaluateCommitment, evaluatePolynomial } from './polynomial.ts';

/** One dealer's round-1 commitments, decoded, and the broadcast they came in. */
export interface DealtCommitments {
  readonly commitments: GroupElement[];
  readonly payload: Uint8Array;
}

/** A refresh or reshare round-1 broadcast: the 32-byte context, then a_k·G for every coefficient. */
export function dealCommitments(
  suite: Ciphersuite,
  context: Uint8Array,
  coefficients: readonly bigint[],
): DealtCommitments {
  const commitments = coefficients.map((a) => suite.Point.BASE.multiply(a));
  const w = new Writer().fixed(context, 32);
  for (const c of commitments) w.fixed(suite.serializeElement(c), suite.elementLength);
  return { commitments, payload: w.finish() };
}

/**
 * Decodes a refresh or reshare round-1 broadcast: the 32-byte context the sender dealt for, then
 * `count` commitments. Any decoding failure is blamed on the sender; a different context (another
 * key, committee, version or session) aborts with KEY_MISMATCH, attributed to no one because
 * either side may hold the stale state.
 */
export function decodeDealtCommitments(p: {
  suite: Ciphersuite;
  from: PartyId;
  payload: Uint8Array;
  context: Uint8Array;
  count: number;
  /** What a different context means, e.g. "refreshes a different key generation or session". */
  mismatch: string;
}): DealtCommitments {
  const { suite, from, payload } = p;
  return blame(from, () => {
    const r = new Reader(payload);
    const context = r.fixed(32);
    const encoded = Array.from({ length: p.count }, () => r.fixed(suite.elementLength));
    r.end();
    if (!equalBytes(context, p.context)) {
      throw new ProtocolAbortError({
        code: 'KEY_MISMATCH',
        culprit: null,
        message: `party ${from} ${p.mismatch}`,
      });
    }
    return { commitments: encoded.map((e) => suite.deserializeElementFast(e)), payload };
  });
}

/** The hash of every dealer's round-1 broadcast, in committee order: what round 2 echoes. */
export function dealingTranscript(
  domain: string,
  dealers: readonly PartyId[],
  round1: ReadonlyMap<PartyId, DealtCommitments>,
): Uint8Array {
  return sha256(
    encodeFields(
      domain,
      dealers.map((p) => concat(new Writer().u16(p).finish(), round1.get(p)!.payload)),
    ),
  );
}

/** A round-2 message to `to`: the transcript echo, then (from a dealer) its share f(to). */
export function sharePayload(
  suite: Ciphersuite,
  transcript: Uint8Array,
  coefficients: readonly bigint[] | null,
  to: PartyId,
): Uint8Array {
  const w = new Writer().fixed(transcript, 32);
  if (coefficients) {
    w.fixed(suite.serializeScalar(evaluatePolynomial(suite, coefficients, BigInt(to))), suite.scalarLength);
  }
  return w.finish();
}

/**
 * Decodes the round-2 messages: every sender's echo of the round-1 transcript and each dealer's
 * share. A different echo aborts with INCONSISTENT_BROADCAST, attributed to no one (the sender or
 * a dealer may have equivocated); anything malformed blames the sender.
 */
export function readShares(p: {
  suite: Ciphersuite;
  inbox: ReadonlyMap<PartyId, Uint8Array>;
  transcript: Uint8Array;
  /** The senders that deal a share (reshare: the old committee); by default every sender. */
  dealers?: readonly PartyId[];
  /** Refresh deals sharings of zero, where a zero share is valid. */
  allowZero?: boolean;
}): Map<PartyId, bigint> {
  const { suite } = p;
  const received = new Map<PartyId, bigint>();
  for (const [from, payload] of p.inbox) {
    const dealer = p.dealers?.includes(from) ?? true;
    const s = blame(from, () => {
      const r = new Reader(payload);
      const echo = r.fixed(32);
      const share = dealer ? r.fixed(suite.scalarLength) : null;
      r.end();
      if (!equalBytes(echo, p.transcript)) {
        throw new ProtocolAbortError({
          code: 'INCONSISTENT_BROADCAST',
          culprit: null,
          message: `party ${from} received different round-1 broadcasts`,
        });
      }
      return share === null ? null : suite.deserializeScalar(share, { allowZero: p.allowZero === true });
    });
    if (s !== null) received.set(from, s);
  }
  return received;
}

/**
 * Checks this party's summed share against the summed commitments, one check for all dealers:
 * total·G == Σ_k x^k·C_k. Only if it fails is each dealer's share checked against its own
 * commitments, to name the dealer that cheated (INVALID_SHARE). A zero total is valid only for
 * sharings of zero (`allowZero`); a null commitment is an implicit identity.
 */
export function checkShares(p: {
  suite: Ciphersuite;
  party: PartyId;
  total: bigint;
  commitments: readonly (GroupElement | null)[];
  received: ReadonlyMap<PartyId, bigint>;
  dealt: (dealer: PartyId) => readonly (GroupElement | null)[];
  allowZero?: boolean;
  /** Names the shares in the abort message, e.g. "refresh". */
  what: string;
}): void {
  const { suite } = p;
  const image = (s: bigint) => (s === 0n ? suite.Point.ZERO : suite.Point.BASE.multiply(s));
  if (
    (p.total === 0n && !p.allowZero) ||
    !image(p.total).equals(evaluateCommitment(suite, p.commitments, p.party))
  ) {
    for (const [from, s] of p.received) {
      if (!image(s).equals(evaluateCommitment(suite, p.dealt(from), p.party))) {
        throw new ProtocolAbortError({
          code: 'INVALID_SHARE',
          culprit: from,
          message: `${p.what} share does not match the commitments`,
        });
      }
    }
    throw new ProtocolAbortError({
      code: 'INVALID_SHARE',
      culprit: null,
      message: `${p.what} shares do not match the commitments`,
    });
  }
}

/**
 * Prime-order-subgroup check of the summed commitments (a null one is an implicit identity),
 * attributed to no one.
 */
export function checkSummedSubgroup(
  suite: Ciphersuite,
  commitments: readonly (GroupElement | null)[],
  /** Names the commitments in the abort message, e.g. "refresh". */
  what: string,
): void {
  for (const c of commitments) {
    if (!c) continue;
    try {
      suite.assertPrimeOrder(c);
    } catch {
      throw new ProtocolAbortError({
        code: 'INVALID_POINT',
        culprit: null,
        message: `${what} commitments are not in the prime-order subgroup`,
      });
    }
  }
}

/**
 * Every party's verifying share from the summed commitments, Σ_k x^k·C_k (refresh: added to the
 * party's `previous` verifying share); none may be the identity.
 */
export function deriveVerifyingShares(
  suite: Ciphersuite,
  parties: readonly PartyId[],
  commitments: readonly (GroupElement | null)[],
  previous?: (party: PartyId) => GroupElement,
): Map<PartyId, GroupElement> {
  const verifyingShares = new Map<PartyId, GroupElement>();
  for (const p of parties) {
    const image = evaluateCommitment(suite, commitments, p);
    const y = previous ? previous(p).add(image) : image;
    if (y.is0()) {
      throw new ProtocolAbortError({
        code: 'INVALID_POINT',
        culprit: null,
        message: `verifying share of party ${p} is the identity`,
      });
    }
    verifyingShares.set(p, y);
  }
  return verifyingShares;
}
