// Distributed key generation: Pedersen DKG with Feldman commitments and Schnorr proofs of
// knowledge (the FROST paper's KeyGen; RFC 9591 Appendix C for the VSS), with the session id,
// scheme, committee and threshold bound into each proof's challenge.
//   round 1 (broadcast): commitments C_i,0..C_i,t-1 to a random polynomial f_i, and a proof of
//                        knowledge of f_i(0) (R_i, μ_i) with c_i = H_dkg(context, C_i, R_i),
//                        then the hints of C_i,0..C_i,t-1 and R_i (decoding without square roots)
//   round 2 (direct):    f_i(j) to each party j, with a hash of every round-1 broadcast this
//                        party received (an echo: a dealer that equivocated is caught)
//   then:                s_j = Σ_i f_i(j), checked against Σ_i Σ_k j^k·C_i,k; group key
//                        PK = Σ_i C_i,0; every party's verifying share from the summed commitments
//   round 3 (broadcast): confirmation digest of the new generation (./confirmation.ts); a party
//                        finishes only when every other party confirmed the same digest
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, Reader, Writer } from '../encoding.ts';
import { blame, MpcError } from '../errors.ts';
import { assertMember, assertPartyId, assertThreshold, normalizeParties, type PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { DkgParameters, RandomBytes } from '../scheme.ts';
import type { KeyShare } from '../share.ts';
import { bytesToInt, type Ciphersuite, concat, type GroupElement } from './ciphersuite.ts';
import { checkConfirmations, confirmationDigest, confirmationPayload } from './confirmation.ts';
import {
  checkShares,
  type DealtCommitments,
  dealingTranscript,
  deriveVerifyingShares,
  readShares,
  sharePayload,
} from './dealing.ts';
import { buildKeyShare } from './key-package.ts';
import { evaluatePolynomial, randomScalar, sumCommitments } from './polynomial.ts';

/** The proof-of-knowledge challenge, binding session, scheme, sender, committee and all commitments. */
export function dkgChallenge(
  suite: Ciphersuite,
  context: Uint8Array,
  sender: PartyId,
  commitments: readonly Uint8Array[],
  R: Uint8Array,
): bigint {
  return suite.HDKG(
    encodeFields('cairn/frost/dkg-pok/v1', [
      context,
      new Writer().u16(sender).finish(),
      concat(...commitments),
      R,
    ]),
  );
}

/** Context every DKG transcript is bound to. */
export function dkgContext(
  suite: Ciphersuite,
  sessionId: Uint8Array,
  parties: readonly PartyId[],
  threshold: number,
): Uint8Array {
  return sha256(
    encodeFields('cairn/frost/dkg-context/v1', [
      sessionId,
      new TextEncoder().encode(suite.scheme),
      new Writer()
        .list(parties, (w, p) => w.u16(p))
        .u16(threshold)
        .finish(),
    ]),
  );
}

export class FrostDkgProtocol extends RoundProtocol<KeyShare> {
  readonly #suite: Ciphersuite;
  readonly #parties: readonly PartyId[];
  readonly #threshold: number;
  readonly #random: RandomBytes;
  readonly #context: Uint8Array;
  #coefficients: bigint[] = [];
  #round1 = new Map<PartyId, DealtCommitments>();
  #transcript: Uint8Array | null = null;
  #pending: { share: KeyShare; digest: Uint8Array } | null = null;

  constructor(suite: Ciphersuite, params: DkgParameters) {
    assertPartyId(params.party);
    const parties = normalizeParties(params.parties, 'parties');
    assertMember(params.party, parties);
    assertThreshold(params.threshold, parties.length);
    super({
      party: params.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/dkg`,
      peers: parties,
    });
    this.#suite = suite;
    this.#parties = parties;
    this.#threshold = params.threshold;
    this.#random = params.random ?? randomBytes;
    this.#context = dkgContext(suite, this.sessionId, parties, params.threshold);
  }

  protected begin(): Outgoing[] {
    const suite = this.#suite;
    const { BASE } = suite.Point;
    this.#coefficients = Array.from({ length: this.#threshold }, () => randomScalar(suite, this.#random));
    const points = this.#coefficients.map((a) => BASE.multiply(a));
    const encoded = points.map((p) => suite.serializeElement(p));
    // Schnorr proof of knowledge of a_0 = f(0): stops a rogue-key choice of C_0.
    const k = randomScalar(suite, this.#random);
    const RPoint = BASE.multiply(k);
    const R = suite.serializeElement(RPoint);
    const c = dkgChallenge(suite, this.#context, this.party, encoded, R);
    const mu = suite.Fn.add(k, suite.Fn.mul(this.#coefficients[0]!, c));
    const w = new Writer();
    for (const e of encoded) w.fixed(e, suite.elementLength);
    w.fixed(R, suite.elementLength).fixed(suite.serializeScalar(mu), suite.scalarLength);
    for (const p of [...points, RPoint]) w.fixed(suite.elementHint(p), suite.hintLength);
    const payload = w.finish();
    this.#round1.set(this.party, { commitments: points, payload });
    this.expect(1, this.#parties, 'broadcast');
    return [{ to: null, payload }];
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
    const proofs: { from: PartyId; C0: GroupElement; R: GroupElement; mu: bigint; c: bigint }[] = [];
    for (const [from, payload] of inbox) {
      const pkg = blame(from, () => {
        const r = new Reader(payload);
        const encoded = Array.from({ length: this.#threshold }, () => r.fixed(suite.elementLength));
        const R = r.fixed(suite.elementLength);
        const mu = suite.deserializeScalar(r.fixed(suite.scalarLength));
        const hints = Array.from({ length: this.#threshold + 1 }, () => r.fixed(suite.hintLength));
        r.end();
        // Subgroup membership (Ed25519) is checked on the summed commitments in round 2.
        const commitments = encoded.map((e, k) => suite.deserializeElementHinted(e, hints[k]!));
        const c = dkgChallenge(suite, this.#context, from, encoded, R);
        const RPoint = suite.deserializeElementHinted(R, hints[this.#threshold]!);
        proofs.push({ from, C0: commitments[0]!, R: RPoint, mu, c });
        return { commitments, payload };
      });
      this.#round1.set(from, pkg);
    }
    this.#verifyProofs(proofs);
    const transcript = dealingTranscript('cairn/frost/dkg-round1/v1', this.#parties, this.#round1);
    this.#transcript = transcript;
    this.expect(2, this.#parties, 'direct');
    return this.peers.map((to) => ({ to, payload: sharePayload(suite, transcript, this.#coefficients, to) }));
  }

  #onRound2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    const { Fn } = suite;
    const received = readShares({ suite, inbox, transcript: this.#transcript! });
    let secret = evaluatePolynomial(suite, this.#coefficients, BigInt(this.party));
    this.#coefficients = [];
    for (const s of received.values()) secret = Fn.add(secret, s);
    const dealt = this.#parties.map((p) => this.#round1.get(p)!.commitments);
    let C = sumCommitments(suite, dealt, this.#threshold);
    // One check for all dealers: s·G == Σ_i Σ_k x^k·C_i,k. Only if it fails, find the dealer.
    checkShares({
      suite,
      party: this.party,
      total: secret,
      commitments: C,
      received,
      dealt: (from) => this.#round1.get(from)!.commitments,
      what: 'secret',
    });
    this.#checkSubgroup(C);
    let PK = C[0]!;
    if (PK.is0()) this.abort('INVALID_POINT', null, 'group key is the identity');
    if (suite.xOnly && PK.toBytes()[0] === 3) {
      // BIP-340 x-only key: keep the even-Y key, i.e. negate every share and commitment.
      secret = Fn.neg(secret);
      C = C.map((c) => c.negate());
      PK = C[0]!;
    }
    const verifyingShares = deriveVerifyingShares(suite, this.#parties, C);
    this.#round1.clear();
    const share = buildKeyShare({
      suite,
      version: 0,
      party: this.party,
      parties: this.#parties,
      threshold: this.#threshold,
      PK,
      verifyingShares,
      secret,
    });
    const digest = confirmationDigest(this.sessionId, this.protocol, share);
    this.#pending = { share, digest };
    this.expect(3, this.#parties, 'broadcast');
    return [{ to: null, payload: confirmationPayload(digest), round: 3 }];
  }

  /**
   * Checks every proof of knowledge μ·G == R + c·C_0. Batched: with fresh random 128-bit
   * weights r_j, (Σ r_j·μ_j)·G == Σ r_j·R_j + Σ (r_j·c_j)·C_j,0 is one multi-scalar
   * multiplication; a false proof passes with probability ~2^-128. Only if the batch fails are
   * the proofs checked one by one, to name the party whose proof is invalid.
   */
  #verifyProofs(
    proofs: readonly { from: PartyId; C0: GroupElement; R: GroupElement; mu: bigint; c: bigint }[],
  ): void {
    const suite = this.#suite;
    const { Fn } = suite;
    const { BASE } = suite.Point;
    if (proofs.length > 1) {
      let muSum = 0n;
      const points: GroupElement[] = [];
      const scalars: bigint[] = [];
      for (const p of proofs) {
        const r = bytesToInt(this.#random(16), false) | 1n; // non-zero
        muSum = Fn.add(muSum, Fn.mul(r, p.mu));
        points.push(p.R, p.C0);
        scalars.push(r, Fn.mul(r, p.c));
      }
      if (BASE.multiplyUnsafe(muSum).equals(suite.msm(points, scalars))) return;
    }
    for (const p of proofs) {
      if (!BASE.multiplyUnsafe(p.mu).subtract(p.C0.multiplyUnsafe(p.c)).equals(p.R)) {
        this.abort('INVALID_PROOF', p.from, 'invalid proof of knowledge');
      }
    }
  }

  /** Prime-order subgroup check of the summed commitments, blaming a dealer if one fails. */
  #checkSubgroup(C: readonly GroupElement[]): void {
    const suite = this.#suite;
    try {
      for (const c of C) suite.assertPrimeOrder(c);
    } catch {
      for (const p of this.peers) {
        for (const c of this.#round1.get(p)!.commitments) {
          try {
            suite.assertPrimeOrder(c);
          } catch (error) {
            this.abort('INVALID_POINT', p, error instanceof Error ? error.message : 'invalid commitment');
          }
        }
      }
      throw new MpcError('INVALID_POINT', 'summed commitments are not in the prime-order subgroup');
    }
  }
}
