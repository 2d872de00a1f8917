// Proactive refresh (share renewal): every party deals a Feldman-committed sharing of ZERO of
// degree t−1 and adds what it receives to its share. The group key is unchanged (every
// constant term is zero by construction: C_0 is not even sent), every share and verifying
// share changes, and the version goes up, so old and new shares can never sign together.
//   round 1 (broadcast): context hash (key, version, committee, verifying shares), C_1..C_t-1
//   round 2 (direct):    echo of round 1, g_i(j)
//   round 3 (broadcast): confirmation digest of the new generation (./confirmation.ts)
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, Writer } from '../encoding.ts';
import type { PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { RandomBytes, RefreshParameters } from '../scheme.ts';
import type { KeyShare } from '../share.ts';
import type { Ciphersuite, GroupElement } from './ciphersuite.ts';
import { checkConfirmations, confirmationDigest, confirmationPayload } from './confirmation.ts';
import {
  checkShares,
  checkSummedSubgroup,
  type DealtCommitments,
  dealCommitments,
  dealingTranscript,
  decodeDealtCommitments,
  deriveVerifyingShares,
  readShares,
  sharePayload,
} from './dealing.ts';
import { buildKeyShare, type FrostKeyState, loadKeyState } from './key-package.ts';
import { evaluatePolynomial, randomScalar, sumCommitments } from './polynomial.ts';

export class FrostRefreshProtocol extends RoundProtocol<KeyShare> {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState;
  readonly #random: RandomBytes;
  readonly #context: Uint8Array;
  /** Coefficients a_1..a_{t-1}; a_0 = 0. */
  #coefficients: bigint[] = [];
  #round1 = new Map<PartyId, DealtCommitments>();
  #transcript: Uint8Array | null = null;
  #pending: { share: KeyShare; digest: Uint8Array } | null = null;

  constructor(suite: Ciphersuite, params: RefreshParameters) {
    const state = loadKeyState(suite, params.share);
    const share = params.share;
    super({
      party: share.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/refresh`,
      peers: share.parties,
    });
    this.#suite = suite;
    this.#state = state;
    this.#random = params.random ?? randomBytes;
    this.#context = sha256(
      encodeFields('cairn/frost/refresh-context/v1', [
        this.sessionId,
        new TextEncoder().encode(suite.scheme),
        share.publicKey,
        new Writer()
          .u32(share.version)
          .u16(share.threshold)
          .list(share.parties, (w, p) => w.u16(p))
          .finish(),
        state.verifyingSetHash,
      ]),
    );
  }

  get #degree(): number {
    return this.#state.share.threshold - 1;
  }

  protected begin(): Outgoing[] {
    const suite = this.#suite;
    this.#coefficients = Array.from({ length: this.#degree }, () => randomScalar(suite, this.#random));
    const dealt = dealCommitments(suite, this.#context, this.#coefficients);
    this.#round1.set(this.party, dealt);
    this.expect(1, this.#state.share.parties, 'broadcast');
    return [{ to: null, payload: dealt.payload }];
  }

  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round === 1) return this.#onRound1(inbox);
    if (round === 2) return this.#onRound2(inbox);
    const { share, digest } = this.#pending!;
    checkConfirmations(inbox, digest);
    this.#pending = null;
    this.finish(share);
    return [];
  }

  #onRound1(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    for (const [from, payload] of inbox) {
      this.#round1.set(
        from,
        decodeDealtCommitments({
          suite,
          from,
          payload,
          context: this.#context,
          count: this.#degree,
          mismatch: 'refreshes a different key generation or session',
        }),
      );
    }
    const parties = this.#state.share.parties;
    const transcript = dealingTranscript('cairn/frost/refresh-round1/v1', parties, this.#round1);
    this.#transcript = transcript;
    this.expect(2, parties, 'direct');
    const poly = [0n, ...this.#coefficients];
    return this.peers.map((to) => ({ to, payload: sharePayload(suite, transcript, poly, to) }));
  }

  #onRound2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    const { Fn } = suite;
    const share = this.#state.share;
    const received = readShares({ suite, inbox, transcript: this.#transcript!, allowZero: true });
    const poly = [0n, ...this.#coefficients];
    let delta = evaluatePolynomial(suite, poly, BigInt(this.party));
    this.#coefficients = [];
    for (const s of received.values()) delta = Fn.add(delta, s);
    const vectors = share.parties.map((p) => this.#round1.get(p)!.commitments);
    const C: (GroupElement | null)[] = [null, ...sumCommitments(suite, vectors, this.#degree)];
    checkShares({
      suite,
      party: this.party,
      total: delta,
      commitments: C,
      received,
      dealt: (from) => [null, ...this.#round1.get(from)!.commitments],
      allowZero: true,
      what: 'refresh',
    });
    checkSummedSubgroup(suite, C, 'refresh');
    const secret = Fn.add(this.#state.secret, delta);
    if (secret === 0n) this.abort('ZERO_SCALAR', null, 'refreshed share is zero');
    const verifyingShares = deriveVerifyingShares(suite, share.parties, C, (p) =>
      this.#state.verifyingShare(p),
    );
    this.#round1.clear();
    const next = buildKeyShare({
      suite,
      version: share.version + 1,
      party: this.party,
      parties: share.parties,
      threshold: share.threshold,
      PK: this.#state.PK,
      verifyingShares,
      secret,
    });
    const digest = confirmationDigest(this.sessionId, this.protocol, next);
    this.#pending = { share: next, digest };
    this.expect(3, share.parties, 'broadcast');
    return [{ to: null, payload: confirmationPayload(digest), round: 3 }];
  }
}
