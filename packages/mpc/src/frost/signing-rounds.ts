// The two FROST signing rounds as building blocks, shared by the two-round `sign` protocol and
// the preprocessing variant (`presign` runs the commitment round ahead of the message,
// `signWithPresignature` the share round):
//   commitment round (RFC 9591 §5.1): a context hash and the nonce commitments (D_i, E_i), each
//     followed by its hint (the affine coordinate the compressed encoding leaves out);
//   share round (RFC 9591 §5.2–§5.4): the hash of the commitment list this signer used and its
//     signature share; then aggregate, verify once, and identify a cheater only on failure.
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeFields, equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, MpcError, ProtocolAbortError } from '../errors.ts';
import { assertMember, normalizeParties, type PartyId } from '../party.ts';
import type { RandomBytes, Signature } from '../scheme.ts';
import type { KeyShare } from '../share.ts';
import { aggregateShares } from './aggregate.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import type { FrostKeyState } from './key-package.ts';
import { commit, type SigningNonces } from './round1.ts';
import {
  type CommitmentEntry,
  computeSignatureShare,
  effectiveSecret,
  type PreparedCommitments,
  prepareSigning,
  type PreparedSigning,
  type SigningKey,
  sortCommitments,
} from './round2.ts';
import { cachedTaprootSigningKey } from './taproot-tweak.ts';

const u16 = (n: number) => new Writer().u16(n).finish();

/** The sorted signer set, checked against the share (members, this party included, ≥ t). */
export function checkSigners(share: KeyShare, list: readonly PartyId[]): PartyId[] {
  const signers = normalizeParties(list, 'signers');
  for (const s of signers) assertMember(s, share.parties, 'signer');
  assertMember(share.party, signers, 'this party (as signer)');
  if (signers.length < share.threshold) {
    throw new MpcError(
      'INVALID_PARAMETERS',
      `${signers.length} signers cannot sign for a ${share.threshold}-of-${share.parties.length} key`,
    );
  }
  return signers;
}

/** The key a session signs for: the group key, or (BIP-341) its tweaked output key. */
export function signingKeyFor(
  suite: Ciphersuite,
  state: FrostKeyState,
  root: Uint8Array | null | undefined,
): SigningKey {
  if (root !== undefined && !suite.xOnly) {
    throw new MpcError('UNSUPPORTED', `${suite.scheme} has no Taproot tweak`);
  }
  return root === undefined
    ? { PK: state.PK, PKElement: state.PKElement, keyTweak: 0n, keyNegated: false }
    : cachedTaprootSigningKey(suite, state.PK, root);
}

/** Encodes the Taproot tweak choice for a context hash. */
export function tweakField(root: Uint8Array | null | undefined): Uint8Array {
  return root === undefined ? Uint8Array.of(0) : root === null ? Uint8Array.of(1) : Uint8Array.of(2, ...root);
}

/**
 * The hash every signer of a session must agree on: session id, scheme, key, share version,
 * threshold, committee, signer set, the verifying-share set, and `extra` (the message and
 * tweak for a full signing; nothing for a presignature, which is message-independent).
 */
export function sessionContext(
  domain: string,
  suite: Ciphersuite,
  state: FrostKeyState,
  sessionId: Uint8Array,
  signers: readonly PartyId[],
  extra: readonly Uint8Array[],
): Uint8Array {
  const share = state.share;
  return sha256(
    encodeFields(domain, [
      sessionId,
      new TextEncoder().encode(suite.scheme),
      share.publicKey,
      new Writer().u32(share.version).u16(share.threshold).finish(),
      new Writer().list(share.parties, (w, p) => w.u16(p)).finish(),
      new Writer().list(signers, (w, p) => w.u16(p)).finish(),
      state.verifyingSetHash,
      ...extra,
    ]),
  );
}

/**
 * The commitment round (RFC 9591 §5.1) of one signer: `start` draws fresh nonces and returns the
 * broadcast (context hash, D_i, E_i and their hints); `complete` decodes every peer's commitment
 * (blaming its sender) and hands out the nonces, once, with the sorted commitment list.
 */
export class CommitmentRound {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState;
  readonly #context: Uint8Array;
  readonly #random: RandomBytes;
  #nonces: SigningNonces | null = null;
  #own: CommitmentEntry | null = null;

  /** `context` is the session context hash every signer must send identically. */
  constructor(p: { suite: Ciphersuite; state: FrostKeyState; context: Uint8Array; random: RandomBytes }) {
    this.#suite = p.suite;
    this.#state = p.state;
    this.#context = p.context;
    this.#random = p.random;
  }

  start(): Uint8Array {
    const suite = this.#suite;
    const c = commit({
      suite,
      identifier: this.#state.share.party,
      signingShare: this.#state.secret,
      hidingRandomness: this.#random(32),
      bindingRandomness: this.#random(32),
    });
    this.#nonces = c.nonces;
    this.#own = { ...c.commitment, D: c.points.hiding, E: c.points.binding };
    return new Writer()
      .fixed(this.#context, 32)
      .fixed(c.commitment.hiding, suite.elementLength)
      .fixed(c.commitment.binding, suite.elementLength)
      .fixed(suite.elementHint(c.points.hiding), suite.hintLength)
      .fixed(suite.elementHint(c.points.binding), suite.hintLength)
      .finish();
  }

  /** The peers' commitments, the sorted list with this signer's own, and its nonces (single use). */
  complete(inbox: ReadonlyMap<PartyId, Uint8Array>): {
    entries: CommitmentEntry[];
    peers: CommitmentEntry[];
    nonces: SigningNonces;
  } {
    const suite = this.#suite;
    const own = this.#own;
    const nonces = this.#nonces;
    if (own === null || nonces === null) throw new MpcError('NOT_FINISHED', 'commitment round not started');
    this.#nonces = null;
    const peers: CommitmentEntry[] = [];
    for (const [from, payload] of inbox) {
      peers.push(
        blame(from, () => {
          const r = new Reader(payload);
          const peerContext = r.fixed(32);
          const hiding = r.fixed(suite.elementLength);
          const binding = r.fixed(suite.elementLength);
          const hidingHint = r.fixed(suite.hintLength);
          const bindingHint = r.fixed(suite.hintLength);
          r.end();
          if (!equalBytes(peerContext, this.#context)) {
            // Another key generation, signer set, message or session: not attributable.
            throw new ProtocolAbortError({
              code: 'KEY_MISMATCH',
              culprit: null,
              message: `party ${from} signs a different session context (key version, signers or message)`,
            });
          }
          // Subgroup membership (Ed25519) is implied by the exact final check; see aggregate.ts.
          const D = suite.deserializeElementHinted(hiding, hidingHint);
          const E = suite.deserializeElementHinted(binding, bindingHint);
          return { identifier: from, hiding, binding, D, E };
        }),
      );
    }
    return { entries: sortCommitments([own, ...peers]), peers, nonces };
  }
}

/**
 * The share round (RFC 9591 §5.2–§5.4) of one signer: `start` computes the group commitment,
 * the challenge and this signer's share and returns the broadcast (commitment-list hash ‖ z_i);
 * `complete` checks every peer's echo of the list hash, aggregates and verifies.
 */
export class ShareRound {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState;
  readonly #key: SigningKey;
  readonly #message: Uint8Array;
  readonly #context: Uint8Array;
  #prepared: PreparedSigning | null = null;
  #listHash: Uint8Array | null = null;
  #ownShare = 0n;

  /** `context` binds the list hash to the session (and, for presignatures, to the message). */
  constructor(p: {
    suite: Ciphersuite;
    state: FrostKeyState;
    key: SigningKey;
    message: Uint8Array;
    context: Uint8Array;
  }) {
    this.#suite = p.suite;
    this.#state = p.state;
    this.#key = p.key;
    this.#message = p.message;
    this.#context = p.context;
  }

  /**
   * `entries` is the sorted commitment list (this signer's included); nonces are used once;
   * `peerTerms` (presignatures) computes the peers' Σ ρ_j·E_j on tables prepared in advance.
   */
  start(
    entries: readonly CommitmentEntry[],
    nonces: SigningNonces,
    peerTerms?: PreparedCommitments,
  ): Uint8Array {
    const suite = this.#suite;
    const party = this.#state.share.party;
    const own = { identifier: party, nonces };
    const prepared = prepareSigning(suite, this.#key, entries, this.#message, own, peerTerms);
    const secret = effectiveSecret(suite, this.#key, this.#state.secret);
    this.#ownShare = computeSignatureShare(suite, prepared, party, nonces, secret);
    this.#prepared = prepared;
    this.#listHash = sha256(
      encodeFields('cairn/frost/commitment-list/v1', [
        this.#context,
        prepared.commitmentListHash,
        u16(entries.length),
      ]),
    );
    return new Writer()
      .fixed(this.#listHash, 32)
      .fixed(suite.serializeScalar(this.#ownShare), suite.scalarLength)
      .finish();
  }

  complete(inbox: ReadonlyMap<PartyId, Uint8Array>): Signature {
    const suite = this.#suite;
    const prepared = this.#prepared;
    if (prepared === null) throw new MpcError('NOT_FINISHED', 'share round not started');
    const byParty = new Map<PartyId, bigint>([[this.#state.share.party, this.#ownShare]]);
    for (const [from, payload] of inbox) {
      byParty.set(
        from,
        blame(from, () => {
          const r = new Reader(payload);
          const listHash = r.fixed(32);
          const z = r.fixed(suite.scalarLength);
          r.end();
          if (!equalBytes(listHash, this.#listHash!)) {
            // Someone saw a different commitment list (or signs another message): equivocation
            // or tampering in the commitment round, which this party cannot attribute.
            throw new ProtocolAbortError({
              code: 'INCONSISTENT_BROADCAST',
              culprit: null,
              message: `party ${from} signed over a different commitment list or message`,
            });
          }
          return suite.deserializeScalar(z);
        }),
      );
    }
    const { signature } = aggregateShares({
      suite,
      key: this.#key,
      prepared,
      shares: prepared.entries.map((e) => byParty.get(e.identifier)!),
      verifyingShare: (id) => this.#state.verifyingShare(id),
      detectedBy: this.#state.share.party,
    });
    return { bytes: signature, publicKey: suite.encodePublicKey(this.#key.PK) };
  }
}
