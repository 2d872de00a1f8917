// Resharing to a new committee and/or threshold, keeping the group key. Every old party i
// (the dealers) deals a Feldman-committed sharing of its Lagrange-weighted share λ_i·s_i with
// the new degree t'−1 to the new committee; Σ_i λ_i·s_i = s, so the new shares interpolate to
// the same key. A new party checks that the dealers' constant-term commitments sum to the
// known group key (an old party also checks each against λ_i·PK_i to name a cheating dealer).
//   round 1 (broadcast, dealers): context hash, D_i,0..D_i,t'-1
//   round 2 (direct, everyone → each new party): echo of round 1 [, g_i(j) from a dealer]
//   round 3 (broadcast, new parties → everyone): confirmation digest of the new generation
//                        (./confirmation.ts); leaving parties compute the expected digest from
//                        the round-1 commitments
// Every participant finishes only once every new party has confirmed the same digest. Leaving
// parties end with null (then, and only then, their old share may be deleted); new shares get
// version + 1, so generations never mix.
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, equalBytes, Writer } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import { assertMember, assertPartyId, assertThreshold, normalizeParties, type PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { RandomBytes, ReshareParameters } from '../scheme.ts';
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
import {
  buildKeyShare,
  encodePublicState,
  type FrostKeyState,
  groupKeyPoint,
  loadKeyState,
} from './key-package.ts';
import { evaluatePolynomial, randomScalar, sumCommitments } from './polynomial.ts';
import { deriveInterpolatingValue } from './round2.ts';

export class FrostReshareProtocol extends RoundProtocol<KeyShare | null> {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState | null;
  readonly #oldParties: readonly PartyId[];
  readonly #newParties: readonly PartyId[];
  readonly #participants: readonly PartyId[];
  readonly #newThreshold: number;
  readonly #version: number;
  readonly #PK: GroupElement;
  readonly #random: RandomBytes;
  readonly #context: Uint8Array;
  #coefficients: bigint[] = [];
  #round1 = new Map<PartyId, DealtCommitments>();
  #transcript: Uint8Array | null = null;
  #pending: { share: KeyShare | null; digest: Uint8Array } | null = null;

  constructor(suite: Ciphersuite, params: ReshareParameters) {
    assertPartyId(params.party);
    const oldParties = normalizeParties(params.oldParties, 'old parties');
    const newParties = normalizeParties(params.newParties, 'new parties');
    assertThreshold(params.oldThreshold, oldParties.length);
    assertThreshold(params.newThreshold, newParties.length);
    if (!Number.isInteger(params.version) || params.version < 0 || params.version >= 0xffffffff) {
      throw new MpcError('INVALID_PARAMETERS', `version must be a u32 below 2^32 - 1, got ${params.version}`);
    }
    const participants = [...new Set([...oldParties, ...newParties])].sort((a, b) => a - b);
    assertMember(params.party, participants);
    const PK = groupKeyPoint(suite, params.publicKey);
    let state: FrostKeyState | null = null;
    if (oldParties.includes(params.party)) {
      if (!params.share)
        throw new MpcError('INVALID_PARAMETERS', `old party ${params.party} must bring its share`);
      state = loadKeyState(suite, params.share);
      const s = params.share;
      if (
        s.party !== params.party ||
        s.version !== params.version ||
        s.threshold !== params.oldThreshold ||
        s.parties.join(',') !== oldParties.join(',') ||
        !equalBytes(s.publicKey, params.publicKey)
      ) {
        throw new MpcError(
          'KEY_MISMATCH',
          'share does not match the old committee, threshold, key or version',
        );
      }
    } else if (params.share !== null) {
      throw new MpcError(
        'INVALID_PARAMETERS',
        `party ${params.party} is not in the old committee but brings a share`,
      );
    }
    super({
      party: params.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/reshare`,
      peers: participants,
    });
    this.#suite = suite;
    this.#state = state;
    this.#oldParties = oldParties;
    this.#newParties = newParties;
    this.#participants = participants;
    this.#newThreshold = params.newThreshold;
    this.#version = params.version;
    this.#PK = PK;
    this.#random = params.random ?? randomBytes;
    const list = (ps: readonly PartyId[]) => new Writer().list(ps, (w, p) => w.u16(p)).finish();
    this.#context = sha256(
      encodeFields('cairn/frost/reshare-context/v1', [
        this.sessionId,
        new TextEncoder().encode(suite.scheme),
        params.publicKey,
        new Writer().u32(params.version).u16(params.oldThreshold).u16(params.newThreshold).finish(),
        list(oldParties),
        list(newParties),
      ]),
    );
  }

  protected begin(): Outgoing[] {
    this.expect(1, this.#oldParties, 'broadcast');
    if (!this.#state) return [];
    const suite = this.#suite;
    const { Fn } = suite;
    // g_i(0) = λ_i·s_i over the old committee, so Σ_i g_i(0) = s.
    const lambda = deriveInterpolatingValue(Fn, this.#oldParties.map(BigInt), BigInt(this.party));
    this.#coefficients = [
      Fn.mul(lambda, this.#state.secret),
      ...Array.from({ length: this.#newThreshold - 1 }, () => randomScalar(suite, this.#random)),
    ];
    const dealt = dealCommitments(suite, this.#context, this.#coefficients);
    this.#round1.set(this.party, dealt);
    return [{ to: null, payload: dealt.payload, round: 1 }];
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
          count: this.#newThreshold,
          mismatch: 'reshares a different key, committee or session',
        }),
      );
    }
    // The dealt constant terms must sum to the group key.
    let sum = suite.Point.ZERO;
    for (const p of this.#oldParties) sum = sum.add(this.#round1.get(p)!.commitments[0]!);
    if (!sum.equals(this.#PK)) {
      if (this.#state) {
        const { Fn } = suite;
        const xs = this.#oldParties.map(BigInt);
        for (const p of this.#oldParties) {
          const lambda = deriveInterpolatingValue(Fn, xs, BigInt(p));
          const expected = this.#state.verifyingShare(p).multiplyUnsafe(lambda);
          if (!this.#round1.get(p)!.commitments[0]!.equals(expected)) {
            this.abort('INVALID_SHARE', p, 'dealt constant term is not λ·PK_i');
          }
        }
      }
      this.abort('KEY_MISMATCH', null, 'dealt constant terms do not sum to the group key');
    }
    const transcript = dealingTranscript('cairn/frost/reshare-round1/v1', this.#oldParties, this.#round1);
    this.#transcript = transcript;
    const coefficients = this.#state ? this.#coefficients : null;
    const out: Outgoing[] = [];
    for (const to of this.#newParties) {
      if (to === this.party) continue;
      out.push({ to, payload: sharePayload(suite, transcript, coefficients, to), round: 2 });
    }
    if (this.#newParties.includes(this.party)) {
      this.expect(
        2,
        this.#participants.filter((p) => p !== this.party),
        'direct',
      );
    } else {
      // Leaving the committee: wait for every new party to confirm the generation the round-1
      // commitments define; only then is the old share obsolete.
      this.#coefficients = [];
      const vectors = this.#oldParties.map((p) => this.#round1.get(p)!.commitments);
      const C = sumCommitments(suite, vectors, this.#newThreshold);
      this.#round1.clear();
      const digest = confirmationDigest(this.sessionId, this.protocol, {
        publicKey: suite.encodePublicKey(this.#PK),
        version: this.#version + 1,
        parties: this.#newParties,
        threshold: this.#newThreshold,
        publicState: encodePublicState(
          suite,
          this.#newParties,
          deriveVerifyingShares(suite, this.#newParties, C),
        ),
      });
      this.#pending = { share: null, digest };
      this.expect(3, this.#newParties, 'broadcast');
    }
    return out;
  }

  #onRound2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    const { Fn } = suite;
    const received = readShares({
      suite,
      inbox,
      transcript: this.#transcript!,
      dealers: this.#oldParties,
    });
    let secret = this.#state ? evaluatePolynomial(suite, this.#coefficients, BigInt(this.party)) : 0n;
    this.#coefficients = [];
    for (const s of received.values()) secret = Fn.add(secret, s);
    const vectors = this.#oldParties.map((p) => this.#round1.get(p)!.commitments);
    const C = sumCommitments(suite, vectors, this.#newThreshold);
    checkShares({
      suite,
      party: this.party,
      total: secret,
      commitments: C,
      received,
      dealt: (from) => this.#round1.get(from)!.commitments,
      what: 'reshared',
    });
    checkSummedSubgroup(suite, C, 'reshare');
    const verifyingShares = deriveVerifyingShares(suite, this.#newParties, C);
    this.#round1.clear();
    const share = buildKeyShare({
      suite,
      version: this.#version + 1,
      party: this.party,
      parties: this.#newParties,
      threshold: this.#newThreshold,
      PK: this.#PK,
      verifyingShares,
      secret,
    });
    const digest = confirmationDigest(this.sessionId, this.protocol, share);
    this.#pending = { share, digest };
    this.expect(3, this.#newParties, 'broadcast');
    return [{ to: null, payload: confirmationPayload(digest), round: 3 }];
  }
}
