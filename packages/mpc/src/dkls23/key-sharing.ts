// Key set-up shared by DKG, refresh and reshare (DKLs23, ePrint 2023/765: the key-generation
// functionality its signing protocol assumes, realised with F_Com and F_ZK^{R_DL} as the paper
// suggests, plus the pairwise set-up of the zero-sharing (Functionality 3.4) and random vector
// OLE (Functionality 3.5) functionalities; refresh as the paper's proactive re-sharing). A set of *dealers* each shares a secret with a Feldman-committed polynomial of
// degree t−1 among the *receivers* (the new committee); receivers also set up, pairwise, the
// zero-share seeds and the OT-extension state the signing multiplications need.
//
//   DKG:     dealers = receivers = the committee; each dealer's secret is random.
//   Reshare: dealers = the old committee, each dealing λ_i·p(i) (its Lagrange-weighted share),
//            receivers = the new committee; the sum of the dealt secrets is the same key.
//   Refresh: a reshare to the same committee and threshold.
//
// Rounds (every received point and scalar is validated on decoding; a failed decode or check
// aborts naming the sender):
//   1 (broadcast, everyone): a context hash (protocol, session, committees, threshold, version,
//     key) — parties that disagree abort with KEY_MISMATCH; dealers: a commitment to their
//     reveal (no dealer picks its polynomial after seeing the others': prevents rogue-key and
//     key-biasing attacks); receivers: the base-OT sender point S with a Schnorr proof of
//     knowledge of its discrete log.
//   2 (direct, to each receiver j): dealers: the reveal — Feldman commitments C_{i,0..t−1}, a
//     chain-code contribution (DKG) or the chain code (reshare), a proof of knowledge of the
//     dealt secret, the salt — checked against the round-1 commitment (which every party saw
//     the same, see round 3), and the share g_i(j), checked against the Feldman commitments;
//     in a reshare, old members check C_{i,0} = λ_i·X_i (a dealer cannot change what it deals)
//     and everyone checks that the key is unchanged. Receivers: a zero-seed contribution and,
//     from the pair's lower id, the 128 base-OT points answering the higher id's S.
//   3 (direct, between receivers): a confirmation hash over the round-1 broadcasts (echo
//     broadcast: catches a party that sent different commitments to different parties) and the
//     pair's round-2 messages both ways (catches any change to the parts nobody can check
//     alone: base-OT points, zero-seed contributions); a mismatch cannot be attributed
//     (culprit null). The higher id also sends one KOS15 extension of 128 random OTs, which
//     turns the pair's base OTs around so that each side has Δ-state for the direction in
//     which it is Alice: one batch of base OTs (the costly public-key part) per pair, not two.
import { createHash } from 'node:crypto';
import { encodeFields, equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { RandomBytes } from '../scheme.ts';
import { KeyShare } from '../share.ts';
import {
  evalCommitment,
  evalPolynomial,
  G,
  hashFields,
  N,
  Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
  u16,
  u32,
} from './curve.ts';
import { baseOtReceive, baseOtSend, KAPPA } from './ot/base-ot.ts';
import {
  COLUMN_BYTES,
  extendReceive,
  extendSend,
  extensionMessageBytes,
  type OteReceiverState,
  type OteSenderState,
  xorDelta,
} from './ot/extension.ts';
import { commit, type DlogProof, proveDlog, readDlogProof, verifyDlog, writeDlogProof } from './proofs.ts';
import { encodePublicState, encodeSecretState, type PairState } from './share-state.ts';

export const SCHEME_ID = 'dkls23-secp256k1' as const;

export interface KeySharingConfig {
  protocol: string;
  sessionId: Uint8Array;
  party: PartyId;
  dealers: readonly PartyId[];
  receivers: readonly PartyId[];
  threshold: number;
  version: number;
  /** The secret this party deals (dealers only). */
  secret: bigint | null;
  /** Reshare: the group key the new shares must have. */
  expectedPublicKey: Point | null;
  /** Reshare, old members only: the expected C_{i,0} = λ_i·X_i of every dealer. */
  dealerConstants: ReadonlyMap<PartyId, Point> | null;
  /** Reshare, old members only: the chain code. DKG: null (contributed jointly). */
  chainCode: Uint8Array | null;
  random: RandomBytes;
}

interface Reveal {
  coefficients: Point[];
  chain: Uint8Array;
  proof: DlogProof;
}

/** The committed part of a dealer's reveal (everything but the salt), canonically encoded. */
function encodeRevealBody(reveal: Reveal): Uint8Array {
  const w = new Writer()
    .list(reveal.coefficients, (x, p) => x.fixed(pointToBytes(p), 33))
    .fixed(reveal.chain, 32);
  writeDlogProof(w, reveal.proof);
  return w.finish();
}

const REVERSE_COUNT = KAPPA;

export class KeySharing extends RoundProtocol<KeyShare | null> {
  readonly #c: KeySharingConfig;
  readonly #participants: PartyId[];
  readonly #isDealer: boolean;
  readonly #isReceiver: boolean;
  readonly #context: Uint8Array;
  #polynomial: bigint[] = [];
  #revealBytes: Uint8Array = new Uint8Array(0);
  #otSecret = 0n;
  #otPoint: Point | null = null;
  readonly #r1 = new Map<PartyId, Uint8Array>();
  readonly #commitments = new Map<PartyId, Uint8Array>();
  readonly #senderPoints = new Map<PartyId, Point>();
  readonly #reveals = new Map<PartyId, Reveal>();
  readonly #sentR2 = new Map<PartyId, Uint8Array>();
  readonly #receivedR2 = new Map<PartyId, Uint8Array>();
  readonly #zeroContribution = new Map<PartyId, Uint8Array>();
  readonly #theirZero = new Map<PartyId, Uint8Array>();
  /** Pairs where this party is the base-OT receiver (lower id): Δ and chosen keys. */
  readonly #otChosen = new Map<PartyId, OteSenderState>();
  /** Pairs where this party is the base-OT sender (higher id). */
  readonly #otBoth = new Map<PartyId, OteReceiverState>();
  readonly #reversedSender = new Map<PartyId, OteSenderState>();
  #share = 0n;
  #chainCode: Uint8Array = new Uint8Array(0);
  #publicKey: Point | null = null;
  #verification = new Map<PartyId, Point>();

  constructor(config: KeySharingConfig) {
    const participants = [...new Set([...config.dealers, ...config.receivers])].sort((a, b) => a - b);
    super({
      party: config.party,
      sessionId: config.sessionId,
      protocol: config.protocol,
      peers: participants,
    });
    this.#c = config;
    this.#participants = participants;
    this.#isDealer = config.dealers.includes(config.party);
    this.#isReceiver = config.receivers.includes(config.party);
    if (this.#isDealer && config.secret === null) {
      throw new MpcError('INVALID_PARAMETERS', 'a dealer needs a secret to deal');
    }
    this.#context = hashFields('cairn/dkls23/key-sharing/context/v1', [
      new Writer()
        .string(config.protocol)
        .bytes(config.sessionId)
        .list(config.dealers, (w, p) => w.u16(p))
        .list(config.receivers, (w, p) => w.u16(p))
        .u16(config.threshold)
        .u32(config.version)
        .bytes(config.expectedPublicKey ? pointToBytes(config.expectedPublicKey) : new Uint8Array(0))
        .finish(),
    ]);
  }

  #ctx(label: string, ...parties: PartyId[]): Uint8Array {
    return hashFields(`cairn/dkls23/key-sharing/${label}/v1`, [this.#context, ...parties.map(u16)]);
  }

  protected begin(): Outgoing[] {
    const c = this.#c;
    const w = new Writer().fixed(this.#context, 32);
    if (this.#isDealer) {
      // Dealer polynomial g_i of degree t−1 with g_i(0) = the dealt secret.
      this.#polynomial = [c.secret!];
      for (let k = 1; k < c.threshold; k++) this.#polynomial.push(randomScalar(c.random));
      const coefficients = this.#polynomial.map((a) => G.multiply(a));
      const chain = c.chainCode ?? c.random(32);
      const proof = proveDlog(c.secret!, coefficients[0]!, this.#ctx('dealer', this.party), c.random);
      const bodyBytes = encodeRevealBody({ coefficients, chain, proof });
      const salt = c.random(32);
      this.#revealBytes = new Writer().fixed(bodyBytes, bodyBytes.length).fixed(salt, 32).finish();
      const commitment = commit(this.#ctx('dealer', this.party), bodyBytes, salt);
      this.#commitments.set(this.party, commitment);
      w.fixed(commitment, 32);
    }
    if (this.#isReceiver) {
      this.#otSecret = randomScalar(c.random);
      this.#otPoint = G.multiply(this.#otSecret);
      w.fixed(pointToBytes(this.#otPoint), 33);
      writeDlogProof(
        w,
        proveDlog(this.#otSecret, this.#otPoint, this.#ctx('base-ot-sender', this.party), c.random),
      );
    }
    const payload = w.finish();
    this.#r1.set(this.party, payload);
    this.expect(1, this.#participants, 'broadcast');
    return [{ to: null, payload, round: 1 }];
  }

  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round === 1) return this.#round1(inbox);
    if (round === 2) return this.#round2(inbox);
    return this.#round3(inbox);
  }

  #round1(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const c = this.#c;
    for (const [from, payload] of inbox) {
      blame(from, () => {
        const r = new Reader(payload);
        if (!equalBytes(r.fixed(32), this.#context)) {
          throw new MpcError(
            'KEY_MISMATCH',
            'party runs with different committee, threshold, key or version',
          );
        }
        if (c.dealers.includes(from)) this.#commitments.set(from, r.fixed(32));
        if (c.receivers.includes(from)) {
          const S = pointFromBytes(r.fixed(33));
          const proof = readDlogProof(r);
          if (!verifyDlog(proof, S, this.#ctx('base-ot-sender', from))) {
            throw new MpcError('INVALID_PROOF', 'base-OT sender point without a valid proof of knowledge');
          }
          this.#senderPoints.set(from, S);
        }
        r.end();
      });
      this.#r1.set(from, payload);
    }
    const out: Outgoing[] = [];
    for (const to of c.receivers) {
      if (to === this.party) continue;
      const w = new Writer();
      if (this.#isDealer) {
        w.fixed(this.#revealBytes, this.#revealBytes.length);
        w.fixed(scalarToBytes(evalPolynomial(this.#polynomial, to)), 32);
      }
      if (this.#isReceiver) {
        const contribution = c.random(32);
        this.#zeroContribution.set(to, contribution);
        w.fixed(contribution, 32);
        if (this.party < to) {
          // Base OT with `to` as sender: our random choice bits become Δ of the pair's
          // extension in the direction where we are Alice.
          const delta = c.random(KAPPA / 8);
          const { points, keys } = baseOtReceive({
            context: this.#ctx('base-ot', this.party, to),
            senderPoint: this.#senderPoints.get(to)!,
            choices: delta,
            random: c.random,
          });
          this.#otChosen.set(to, { delta, seeds: keys });
          w.fixed(points, points.length);
        }
      }
      const payload = w.finish();
      this.#sentR2.set(to, payload);
      out.push({ to, payload, round: 2 });
    }
    if (!this.#isReceiver) {
      // A dealer leaving the committee is done once it has dealt.
      this.finish(null);
      return out;
    }
    this.expect(
      2,
      this.#participants.filter((p) => p !== this.party),
      'direct',
    );
    return out;
  }

  #readReveal(from: PartyId, r: Reader): Reveal {
    const c = this.#c;
    const start = r.remaining;
    const coefficients = r.list((x) => pointFromBytes(x.fixed(33)), c.threshold);
    if (coefficients.length !== c.threshold) {
      throw new MpcError('MALFORMED_MESSAGE', `expected ${c.threshold} Feldman commitments`);
    }
    const chain = r.fixed(32);
    const proof = readDlogProof(r);
    const bodyBytes = encodeRevealBody({ coefficients, chain, proof });
    const salt = r.fixed(32);
    if (start - r.remaining !== bodyBytes.length + 32)
      throw new MpcError('MALFORMED_MESSAGE', 'non-canonical reveal');
    if (!equalBytes(commit(this.#ctx('dealer', from), bodyBytes, salt), this.#commitments.get(from)!)) {
      throw new MpcError('INVALID_PROOF', 'reveal does not match the round-1 commitment');
    }
    if (!verifyDlog(proof, coefficients[0]!, this.#ctx('dealer', from))) {
      throw new MpcError('INVALID_PROOF', 'no valid proof of knowledge of the dealt secret');
    }
    const constant = c.dealerConstants?.get(from);
    if (constant && !constant.equals(coefficients[0]!)) {
      throw new MpcError('INVALID_SHARE', 'dealt secret is not the Lagrange-weighted old share');
    }
    if (c.chainCode && !equalBytes(chain, c.chainCode)) {
      throw new MpcError('KEY_MISMATCH', 'dealer sent a different chain code');
    }
    return { coefficients, chain, proof };
  }

  #round2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const c = this.#c;
    let share = 0n;
    if (this.#isDealer) {
      this.#reveals.set(this.party, this.#readReveal(this.party, new Reader(this.#revealBytes)));
      share = evalPolynomial(this.#polynomial, this.party);
    }
    // Cheap checks first (decoding, commitments, proofs, Feldman), the base OTs after.
    const otPoints = new Map<PartyId, Uint8Array>();
    for (const [from, payload] of inbox) {
      blame(from, () => {
        const r = new Reader(payload);
        if (c.dealers.includes(from)) {
          const reveal = this.#readReveal(from, r);
          this.#reveals.set(from, reveal);
          const value = scalarFromBytes(r.fixed(32), true);
          const expected = evalCommitment(reveal.coefficients, this.party);
          if (!(value === 0n ? Point.ZERO : G.multiply(value)).equals(expected)) {
            throw new MpcError('INVALID_SHARE', 'share does not match the Feldman commitments');
          }
          share += value;
        }
        if (c.receivers.includes(from)) {
          this.#theirZero.set(from, r.fixed(32));
          if (from < this.party) otPoints.set(from, r.fixed(KAPPA * 33));
        }
        r.end();
      });
      this.#receivedR2.set(from, payload);
    }
    for (const [from, points] of otPoints) {
      blame(from, () => {
        const { keys0, keys1 } = baseOtSend({
          context: this.#ctx('base-ot', from, this.party),
          secret: this.#otSecret,
          senderPoint: this.#otPoint!,
          points,
        });
        this.#otBoth.set(from, { seeds0: keys0, seeds1: keys1 });
      });
    }
    this.#share = share % N;
    // Group key: Σ_i C_{i,0}; a reshare must reproduce the old key.
    let publicKey = Point.ZERO;
    for (const d of c.dealers) publicKey = publicKey.add(this.#reveals.get(d)!.coefficients[0]!);
    if (publicKey.is0()) this.abort('INVALID_SHARE', null, 'the group key is the identity');
    if (c.expectedPublicKey && !publicKey.equals(c.expectedPublicKey)) {
      this.abort('KEY_MISMATCH', null, 'the dealt secrets do not sum to the group key');
    }
    this.#publicKey = publicKey;
    const chains = c.dealers.map((d) => this.#reveals.get(d)!.chain);
    if (c.chainCode) this.#chainCode = c.chainCode;
    else if (c.expectedPublicKey) {
      // Reshare, joining party: every dealer must state the same chain code.
      if (chains.some((x) => !equalBytes(x, chains[0]!))) {
        this.abort('INCONSISTENT_BROADCAST', null, 'dealers disagree on the chain code');
      }
      this.#chainCode = chains[0]!;
    } else {
      this.#chainCode = hashFields('cairn/dkls23/chain-code/v1', [this.#context, ...chains]);
    }
    // Verification shares of the new committee: X_j = Σ_k (Σ_i C_{i,k})·j^k.
    const summed: Point[] = [];
    for (let k = 0; k < c.threshold; k++) {
      let acc = Point.ZERO;
      for (const d of c.dealers) acc = acc.add(this.#reveals.get(d)!.coefficients[k]!);
      summed.push(acc);
    }
    for (const j of c.receivers) {
      const X = evalCommitment(summed, j);
      if (X.is0()) this.abort('INVALID_SHARE', null, `verification share of party ${j} is the identity`);
      this.#verification.set(j, X);
    }
    if (this.#share === 0n || !G.multiply(this.#share).equals(this.#verification.get(this.party)!)) {
      this.abort('INVALID_SHARE', null, 'own share does not match the verification share');
    }
    const transcript = this.#broadcastTranscript();
    const out: Outgoing[] = [];
    for (const to of c.receivers) {
      if (to === this.party) continue;
      const w = new Writer().fixed(this.#confirmation(transcript, to), 32);
      if (to < this.party) {
        // Turn the pair's base OTs around (see the header): we extend as receiver with random
        // choice bits, which become our Δ for the direction where we are Alice.
        const delta = c.random(REVERSE_COUNT / 8);
        const { message, columns } = extendReceive({
          state: this.#otBoth.get(to)!,
          sid: this.#ctx('reverse-ot', to, this.party),
          choices: delta,
          count: REVERSE_COUNT,
          random: c.random,
        });
        const seeds: Uint8Array[] = [];
        for (let j = 0; j < REVERSE_COUNT; j++) {
          seeds.push(
            this.#reverseKey(to, this.party, j, columns.subarray(j * COLUMN_BYTES, (j + 1) * COLUMN_BYTES)),
          );
        }
        this.#reversedSender.set(to, { delta, seeds });
        w.fixed(message, message.length);
      }
      out.push({ to, payload: w.finish(), round: 3 });
    }
    this.expect(
      3,
      c.receivers.filter((p) => p !== this.party),
      'direct',
    );
    return out;
  }

  #reverseKey(lo: PartyId, hi: PartyId, j: number, column: Uint8Array): Uint8Array {
    return hashFields('cairn/dkls23/key-sharing/reverse-key/v1', [
      this.#ctx('reverse-ot', lo, hi),
      u32(j),
      column,
    ]);
  }

  #broadcastTranscript(): Uint8Array {
    const h = createHash('sha256').update(
      encodeFields('cairn/dkls23/key-sharing/transcript/v1', [this.#context]),
    );
    for (const p of this.#participants) h.update(encodeFields('r1', [u16(p), this.#r1.get(p)!]));
    return new Uint8Array(h.digest());
  }

  #confirmation(transcript: Uint8Array, peer: PartyId): Uint8Array {
    const lo = Math.min(peer, this.party);
    const hi = Math.max(peer, this.party);
    const fromLo = lo === this.party ? this.#sentR2.get(peer)! : this.#receivedR2.get(peer)!;
    const fromHi = hi === this.party ? this.#sentR2.get(peer)! : this.#receivedR2.get(peer)!;
    return hashFields('cairn/dkls23/key-sharing/confirm/v1', [
      this.#ctx('pair', lo, hi),
      transcript,
      fromLo,
      fromHi,
    ]);
  }

  #round3(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const c = this.#c;
    const transcript = this.#broadcastTranscript();
    const pairs = new Map<PartyId, PairState>();
    for (const [from, payload] of inbox) {
      const r = new Reader(payload);
      const confirmation = blame(from, () => r.fixed(32));
      if (!equalBytes(confirmation, this.#confirmation(transcript, from))) {
        // Either side's view differs: a party equivocated or a message was changed in
        // transit; which one cannot be told from here.
        this.abort(
          'INCONSISTENT_BROADCAST',
          null,
          `key set-up transcripts of parties ${this.party} and ${from} differ`,
        );
      }
      let sender: OteSenderState;
      let receiver: OteReceiverState;
      if (from > this.party) {
        const chosen = this.#otChosen.get(from)!;
        const columns = blame(from, () => {
          const message = r.fixed(extensionMessageBytes(REVERSE_COUNT));
          r.end();
          return extendSend({
            state: chosen,
            sid: this.#ctx('reverse-ot', this.party, from),
            count: REVERSE_COUNT,
            message,
          });
        });
        const seeds0: Uint8Array[] = [];
        const seeds1: Uint8Array[] = [];
        const flipped = new Uint8Array(COLUMN_BYTES);
        for (let j = 0; j < REVERSE_COUNT; j++) {
          const column = columns.subarray(j * COLUMN_BYTES, (j + 1) * COLUMN_BYTES);
          seeds0.push(this.#reverseKey(this.party, from, j, column));
          seeds1.push(this.#reverseKey(this.party, from, j, xorDelta(columns, j, chosen.delta, flipped)));
        }
        sender = chosen;
        receiver = { seeds0, seeds1 };
      } else {
        blame(from, () => r.end());
        sender = this.#reversedSender.get(from)!;
        receiver = this.#otBoth.get(from)!;
      }
      const lo = Math.min(from, this.party);
      const hi = Math.max(from, this.party);
      const mine = this.#zeroContribution.get(from)!;
      const theirs = this.#theirZero.get(from)!;
      const [cLo, cHi] = lo === this.party ? [mine, theirs] : [theirs, mine];
      const pair = this.#ctx('pair', lo, hi);
      pairs.set(from, {
        zeroSeed: hashFields('cairn/dkls23/zero-seed/v1', [pair, cLo, cHi]),
        gadgetSeed: hashFields('cairn/dkls23/gadget-seed/v1', [pair, cLo, cHi]),
        sender,
        receiver,
      });
    }
    this.finish(
      new KeyShare({
        scheme: SCHEME_ID,
        version: c.version,
        party: this.party,
        parties: c.receivers,
        threshold: c.threshold,
        publicKey: pointToBytes(this.#publicKey!),
        chainCode: this.#chainCode,
        publicState: encodePublicState(this.#verification),
        secretState: encodeSecretState({ share: this.#share, pairs }),
      }),
    );
    return [];
  }
}
