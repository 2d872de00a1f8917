// FROST with preprocessing (RFC 9591 §5.1: "round one ... can be performed in advance"): the
// commitment round runs before the message is known and yields a single-use presignature; the
// online protocol is then the share round alone (one message round).
//   presign  (1 broadcast): presign context hash, (D_i, E_i) and their hints — exactly the
//            commitment round of `sign` (signing-rounds.ts), message-independent;
//   online   (1 broadcast): hash of (presignature, online session, message, tweak, commitment
//            list) ‖ z_i — exactly the share round of `sign`; then aggregate, verify once,
//            identify a cheater only on failure.
// The presign context binds key, share version, committee, verifying-share set, signer set and
// the presign session; the online list hash binds all of it plus the message and the Taproot
// tweak, so signers holding presignatures of different sessions, keys or generations, or
// signing different messages, abort instead of combining.
//
// Single use: two signatures with the same nonces reveal the signing share. `consume()` takes
// the nonces out (and drops them from the object) before anything is computed, and any later
// use is refused with PRESIGNATURE_REUSED — also after a failed online run (the share may have
// been sent). Presignatures live in memory; a signer node that stores them must mark one used
// durably before sending its online message.
//
// Latency: the presign round prepares Σ ρ_j·E_j over the peers (`fixedPointsMsm`: each E_j
// pre-doubled into `peerChunks` points, noble MSM tables built), so the online round walks a
// doubling chain up to four times shorter; this signer's own term is (d_i + ρ_i·e_i)·G on the
// constant-time base table.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, equalBytes } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type {
  Presignature,
  PresignParameters,
  Signature,
  SignWithPresignatureParameters,
} from '../scheme.ts';
import type { SchemeId } from '../share.ts';
import { type Ciphersuite, fixedPointsMsm } from './ciphersuite.ts';
import { type FrostKeyState, loadKeyState } from './key-package.ts';
import type { SigningNonces } from './round1.ts';
import type { CommitmentEntry, PreparedCommitments } from './round2.ts';
import {
  CommitmentRound,
  checkSigners,
  sessionContext,
  ShareRound,
  signingKeyFor,
  tweakField,
} from './signing-rounds.ts';

const PRESIGN_CONTEXT = 'cairn/frost/presign-context/v1';

/**
 * Chunks the peers' binding commitments E_j are split into ahead of the message
 * (`fixedPointsMsm`): the online walk has ⌈bits/chunks⌉ doublings (shared by all peers), the
 * presign round pays ~bits·(chunks−1)/chunks doublings per peer. Four chunks for one or two
 * peers, fewer for larger signer sets, where the per-peer doublings would outweigh the one
 * shared chain they save. See docs/frost.md for the measurements.
 */
export function peerChunks(peers: number): number {
  return peers <= 2 ? 4 : peers <= 4 ? 2 : 1;
}

/** One signer's FROST presignature: its nonces and the agreed commitment list. Single use. */
export class FrostPresignature implements Presignature {
  readonly id: string;
  readonly scheme: SchemeId;
  readonly keyId: string;
  readonly version: number;
  readonly party: PartyId;
  readonly signers: readonly PartyId[];
  /** The presign session id and context hash (identical for every signer of the session). */
  readonly sessionId: Uint8Array;
  readonly binding: Uint8Array;
  /** The sorted commitment list (public), this signer's included. */
  readonly commitments: readonly CommitmentEntry[];
  /** Σ ρ_j·E_j over the commitment list, prepared in the presign round (public data). */
  readonly peerTerms: PreparedCommitments;
  #nonces: SigningNonces | null;

  constructor(p: {
    scheme: SchemeId;
    state: FrostKeyState;
    signers: readonly PartyId[];
    sessionId: Uint8Array;
    binding: Uint8Array;
    commitments: readonly CommitmentEntry[];
    peerTerms: PreparedCommitments;
    nonces: SigningNonces;
  }) {
    this.id = bytesToHex(p.binding.subarray(0, 16));
    this.scheme = p.scheme;
    this.keyId = p.state.share.keyId;
    this.version = p.state.share.version;
    this.party = p.state.share.party;
    this.signers = Object.freeze([...p.signers]);
    this.sessionId = p.sessionId.slice();
    this.binding = p.binding.slice();
    this.commitments = Object.freeze([...p.commitments]);
    this.peerTerms = p.peerTerms;
    this.#nonces = p.nonces;
  }

  get consumed(): boolean {
    return this.#nonces === null;
  }

  /** Takes the nonces out, once. Throws PRESIGNATURE_REUSED on any later call. */
  consume(): SigningNonces {
    const n = this.#nonces;
    this.#nonces = null;
    if (n === null)
      throw new MpcError('PRESIGNATURE_REUSED', `presignature ${this.id} was already used or discarded`);
    return n;
  }

  /** Discards an unused presignature (e.g. when its signing request is abandoned). */
  discard(): void {
    this.#nonces = null;
  }

  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      scheme: this.scheme,
      keyId: this.keyId,
      version: this.version,
      party: this.party,
      signers: [...this.signers],
      consumed: this.consumed,
    };
  }
}

/** Presigning: the commitment round of FROST signing, before the message is known. */
export class FrostPresignProtocol extends RoundProtocol<FrostPresignature> {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState;
  readonly #signers: readonly PartyId[];
  readonly #context: Uint8Array;
  readonly #commitments: CommitmentRound;

  constructor(suite: Ciphersuite, params: PresignParameters) {
    const state = loadKeyState(suite, params.share);
    const signers = checkSigners(params.share, params.signers);
    if (params.derivationPath !== undefined && params.derivationPath.length > 0) {
      throw new MpcError('UNSUPPORTED', 'FROST keys do not support BIP-32 derivation');
    }
    super({
      party: params.share.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/presign`,
      peers: signers,
    });
    this.#suite = suite;
    this.#state = state;
    this.#signers = signers;
    this.#context = sessionContext(PRESIGN_CONTEXT, suite, state, this.sessionId, signers, []);
    this.#commitments = new CommitmentRound({
      suite,
      state,
      context: this.#context,
      random: params.random ?? randomBytes,
    });
  }

  protected begin(): Outgoing[] {
    const payload = this.#commitments.start();
    this.expect(1, this.#signers, 'broadcast');
    return [{ to: null, payload }];
  }

  protected onRound(_round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const { entries, peers, nonces } = this.#commitments.complete(inbox);
    const bits = this.#suite.Fn.ORDER.toString(2).length;
    // The peers' E_j (public), multiplied online by public binding factors. The own term
    // stays (d_i + ρ_i·e_i)·G: preparing E_i too costs more here than it saves online.
    const peerTerms: PreparedCommitments = {
      identifiers: peers.map((e) => e.identifier),
      multiply: fixedPointsMsm(
        this.#suite.Point,
        peers.map((e) => e.E),
        bits,
        peerChunks(peers.length),
      ),
    };
    this.finish(
      new FrostPresignature({
        scheme: this.#suite.scheme,
        state: this.#state,
        signers: this.#signers,
        sessionId: this.sessionId,
        binding: this.#context,
        commitments: entries,
        peerTerms,
        nonces,
      }),
    );
    return [];
  }
}

/** Checks a presignature against the share and signing request before any use. */
export function checkPresignature(
  suite: Ciphersuite,
  params: SignWithPresignatureParameters,
): { state: FrostKeyState; presignature: FrostPresignature } {
  const presignature = params.presignature;
  if (!(presignature instanceof FrostPresignature) || presignature.scheme !== suite.scheme) {
    throw new MpcError('INVALID_PARAMETERS', `not a ${suite.scheme} presignature`);
  }
  if (presignature.consumed) {
    throw new MpcError(
      'PRESIGNATURE_REUSED',
      `presignature ${presignature.id} was already used or discarded`,
    );
  }
  const state = loadKeyState(suite, params.share);
  const expected = sessionContext(
    PRESIGN_CONTEXT,
    suite,
    state,
    presignature.sessionId,
    presignature.signers,
    [],
  );
  if (
    presignature.keyId !== params.share.keyId ||
    presignature.version !== params.share.version ||
    presignature.party !== params.share.party ||
    !equalBytes(expected, presignature.binding)
  ) {
    throw new MpcError('KEY_MISMATCH', 'presignature belongs to another key, share generation or party');
  }
  if (!(params.message instanceof Uint8Array))
    throw new MpcError('INVALID_PARAMETERS', 'message must be bytes');
  return { state, presignature };
}

/** The online round: the share round of FROST signing on a presignature's commitment list. */
export class FrostOnlineProtocol extends RoundProtocol<Signature> {
  readonly #signers: readonly PartyId[];
  readonly #commitments: readonly CommitmentEntry[];
  readonly #peerTerms: PreparedCommitments;
  readonly #shares: ShareRound;
  #nonces: SigningNonces | null;

  constructor(suite: Ciphersuite, params: SignWithPresignatureParameters) {
    const { state, presignature } = checkPresignature(suite, params);
    const root = params.taprootMerkleRoot;
    const key = signingKeyFor(suite, state, root);
    super({
      party: presignature.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/sign-online`,
      peers: presignature.signers,
    });
    const message = params.message.slice();
    const context = sha256(
      encodeFields('cairn/frost/online-context/v1', [
        presignature.binding,
        this.sessionId,
        message,
        tweakField(root),
      ]),
    );
    this.#signers = presignature.signers;
    this.#commitments = presignature.commitments;
    this.#peerTerms = presignature.peerTerms;
    this.#shares = new ShareRound({ suite, state, key, message, context });
    // Atomically, before anything is computed or sent.
    this.#nonces = presignature.consume();
  }

  protected begin(): Outgoing[] {
    const nonces = this.#nonces!;
    this.#nonces = null;
    const payload = this.#shares.start(this.#commitments, nonces, this.#peerTerms);
    this.expect(1, this.#signers, 'broadcast');
    return [{ to: null, payload }];
  }

  protected onRound(_round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    this.finish(this.#shares.complete(inbox));
    return [];
  }
}
