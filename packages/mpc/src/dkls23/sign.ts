// DKLs23 threshold ECDSA signing (ePrint 2023/765, Protocol 3.6), three rounds for any set of
// at least t signers. Rounds 1–2 do not depend on the message and form a presignature
// (presignature.ts); round 3 is the online round.
//
// Notation for signer i and every other signer j (each pair runs two multiplications, one
// with i as Alice and one with i as Bob, multiplication.ts):
//   round 1 (i → j, direct; Protocol 3.6 steps 4–6):
//     sample the instance key r_i and the inversion mask φ_i, R_i = r_i·G;
//     commit to R_i (F_Com: no signer chooses R_i after seeing the others', which would
//     let it bias R); start the multiplication where j is Alice, as Bob with random χ_ij;
//     a context hash binds key id, share version, committee, signers and session: shares
//     of different generations (refresh/reshare) or keys abort with KEY_MISMATCH.
//   round 2 (i → j, direct; step 7):
//     sk_i = λ_i·p(i) + ζ_i (Lagrange-weighted share re-randomised by a zero share,
//     zero-shares.ts), pk_i = sk_i·G; answer j's multiplication as Alice with inputs
//     (r_i, sk_i), giving c^u_ij, c^v_ij; send the decommitment of R_i, pk_i,
//     ψ_ij = φ_i − χ_ij (χ_ij: Bob's input in the multiplication where j is Alice and i is Bob,
//     so j can turn r_j·χ into r_j·φ_i), and Γ = Γ^u + ρ·Γ^v = (c^u + ρ·c^v)·G, the paper's two
//     check values Γ^u = c^u·G and Γ^v = c^v·G batched with ρ hashed from the rest of the message.
//   after round 2 (steps 8–9), for each j:
//     decommitment of R_j (abort naming j); finish the multiplication (its check names j);
//     consistency checks χ_ij·R_j = d^u·G + Γ^u_j and χ_ij·pk_j = d^v·G + Γ^v_j, batched as
//     χ_ij·(R_j + ρ·pk_j) = Γ_j + (d^u + ρ·d^v)·G (sound except with probability 2^-128) — they bind
//     j's multiplication inputs to R_j and pk_j, so a j that multiplied with another value is
//     caught and named; then Σ pk_j = PK (the zero shares and Lagrange weights are right).
//     u_i = r_i·(φ_i + Σ_j ψ_ji) + Σ_j (c^u + d^u), v_i = sk_i·(φ_i + Σ_j ψ_ji) + Σ_j (c^v + d^v):
//     Σ u_i = r·φ and Σ v_i = sk·φ.
//   round 3 (broadcast; step 10): w_i = H(m)·φ_i + r_x·(v_i + δ·φ_i), where δ is the BIP-32 tweak
//     of a derived key (key shift: (sk + δ)·φ = sk·φ + δ·φ), and u_i. Then
//     s = Σ w / Σ u = (H(m) + r_x·(sk + δ))/r; the signature is normalised to low S, its recovery
//     id set from R, and it is verified before it is returned; an invalid result aborts
//     (culprit unknown: the protocol cannot attribute a bad w_i).
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, MpcError, ProtocolAbortError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { RandomBytes, Signature } from '../scheme.ts';
import type { KeyShare } from '../share.ts';
import {
  G,
  hashFields,
  invert,
  lagrangeAtZero,
  mod,
  mulBase,
  mulSecretPoint,
  N,
  Point,
  pointFromBytes,
  pointToBytes,
  randomScalar,
  scalarFromBytes,
  scalarToBytes,
  splitChallenge,
  u16,
} from './curve.ts';
import {
  ALICE_MESSAGE_BYTES,
  BOB_MESSAGE_BYTES,
  CORRECTION_BYTES,
  gadgetVector,
  type MulReceiverState,
  mulReceiverFinish,
  mulReceiverStart,
  mulSenderRespond,
} from './multiplication.ts';
import { Dkls23Presignature, type PresignatureSecrets } from './presignature.ts';
import { commit } from './proofs.ts';
import { type PairState, type SecretState, secretStateOf } from './share-state.ts';
import { zeroShare } from './zero-shares.ts';

export interface SigningSetup {
  share: KeyShare;
  signers: readonly PartyId[];
  sessionId: Uint8Array;
  protocol: string;
  /** BIP-32 tweak δ and the derived key it gives (the parent key when no path). */
  tweak: bigint;
  publicKey: Uint8Array;
  /** Mode-specific data bound into the context (the message for one-shot signing). */
  extra: Uint8Array;
  random: RandomBytes;
}

/** Hash binding a signing session to key, share generation, committee, signers and derivation. */
export function signingContext(s: SigningSetup): Uint8Array {
  return hashFields('cairn/dkls23/sign/context/v1', [
    new Writer()
      .string(s.protocol)
      .bytes(s.sessionId)
      .string(s.share.keyId)
      .u32(s.share.version)
      .list(s.share.parties, (w, p) => w.u16(p))
      .u16(s.share.threshold)
      .list(s.signers, (w, p) => w.u16(p))
      .bytes(s.share.chainCode)
      .fixed(scalarToBytes(s.tweak), 32)
      .bytes(s.publicKey)
      .bytes(s.extra)
      .finish(),
  ]);
}

const ROUND1_BYTES = 32 + 32 + BOB_MESSAGE_BYTES;
const ROUND2_BYTES = 33 + 33 + 32 + 33 + 32 + ALICE_MESSAGE_BYTES;
const ONLINE_BYTES = 32 + 32 + 32;

/**
 * Bytes one signer sends one other signer in a one-shot signing (one direction of a pair;
 * rounds 1–3, the broadcast counted once per recipient), by part: the KOS15 extension message
 * (κ·(ξ + κ + 80)/8 matrix bytes and the check values x̃, t̃), Alice's ξ·(L + 1) corrections τ, and
 * everything else (context, commitment, nonce, R_j, salt, pk_j, ψ, Γ, γ, u, H(r), (u_i, w_i)).
 */
export const SIGNING_BYTES_PER_DIRECTION = Object.freeze({
  otExtension: BOB_MESSAGE_BYTES - 16,
  aliceCorrections: CORRECTION_BYTES,
  other: ROUND1_BYTES + ROUND2_BYTES + ONLINE_BYTES - (BOB_MESSAGE_BYTES - 16) - CORRECTION_BYTES,
  total: ROUND1_BYTES + ROUND2_BYTES + ONLINE_BYTES,
});

/** Rounds 1–2 of Protocol 3.6 for one signer: shared by one-shot signing and presigning. */
class PresignRounds {
  readonly #s: SigningSetup;
  readonly #party: PartyId;
  readonly #secret: SecretState;
  readonly context: Uint8Array;
  readonly #peers: PartyId[];
  #r = 0n;
  #phi = 0n;
  #R: Point = Point.ZERO;
  #salt: Uint8Array = new Uint8Array(0);
  #RBytes: Uint8Array = new Uint8Array(0);
  #sk = 0n;
  #pk: Point = Point.ZERO;
  readonly #bob = new Map<PartyId, MulReceiverState>();
  readonly #commitments = new Map<PartyId, Uint8Array>();
  readonly #alice = new Map<PartyId, bigint[]>();

  constructor(setup: SigningSetup) {
    this.#s = setup;
    this.#party = setup.share.party;
    this.#secret = secretStateOf(setup.share);
    this.context = signingContext(setup);
    this.#peers = setup.signers.filter((p) => p !== this.#party);
    for (const p of this.#peers) {
      if (!this.#secret.pairs.has(p))
        throw new MpcError('KEY_MISMATCH', `share has no pairwise set-up with party ${p}`);
    }
  }

  #pair(peer: PartyId): PairState {
    return this.#secret.pairs.get(peer)!;
  }

  #mulSid(alice: PartyId, bob: PartyId): Uint8Array {
    return hashFields('cairn/dkls23/sign/mul-sid/v1', [this.context, u16(alice), u16(bob)]);
  }

  #gadget(peer: PartyId, alice: PartyId, bob: PartyId): readonly bigint[] {
    return gadgetVector(
      hashFields('cairn/dkls23/sign/gadget/v1', [this.#pair(peer).gadgetSeed, u16(alice), u16(bob)]),
    );
  }

  #nonceContext(party: PartyId): Uint8Array {
    return hashFields('cairn/dkls23/sign/nonce-commit/v1', [this.context, u16(party)]);
  }

  /** Round 1: commitment to R_i and, to each peer, the first message of the multiplication where the peer is Alice. */
  round1(): Outgoing[] {
    const random = this.#s.random;
    this.#r = randomScalar(random);
    this.#phi = randomScalar(random);
    this.#R = mulBase(this.#r);
    this.#salt = random(32);
    this.#RBytes = pointToBytes(this.#R);
    const commitment = commit(this.#nonceContext(this.#party), this.#RBytes, this.#salt);
    return this.#peers.map((to) => {
      const start = mulReceiverStart({
        ote: this.#pair(to).receiver,
        gadget: this.#gadget(to, to, this.#party),
        sid: this.#mulSid(to, this.#party),
        random,
      });
      this.#bob.set(to, start.state);
      const payload = new Writer()
        .fixed(this.context, 32)
        .fixed(commitment, 32)
        .fixed(start.message, start.message.length)
        .finish();
      return { to, payload, round: 1 };
    });
  }

  /** Round 2: answer every peer's multiplication as Alice with inputs (r_i, sk_i). */
  round2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const messages = new Map<PartyId, Uint8Array>();
    for (const [from, payload] of inbox) {
      blame(from, () => {
        if (payload.length !== ROUND1_BYTES)
          throw new MpcError('MALFORMED_MESSAGE', 'round-1 message has the wrong length');
        if (!equalBytes(payload.subarray(0, 32), this.context)) {
          throw new MpcError(
            'KEY_MISMATCH',
            'signer uses another key, share generation, signer set or session',
          );
        }
        this.#commitments.set(from, payload.slice(32, 64));
        messages.set(from, payload.subarray(64));
      });
    }
    const zeta = zeroShare({
      party: this.#party,
      signers: this.#s.signers,
      seeds: new Map(this.#peers.map((p) => [p, this.#pair(p).zeroSeed])),
      sid: this.context,
    });
    this.#sk = mod(lagrangeAtZero(this.#party, this.#s.signers) * this.#secret.share + zeta);
    this.#pk = mulBase(this.#sk);
    const pkBytes = pointToBytes(this.#pk);
    const bodies: Uint8Array[] = [];
    const gammas: Point[] = [];
    for (const to of this.#peers) {
      const reply = blame(to, () =>
        mulSenderRespond({
          ote: this.#pair(to).sender,
          gadget: this.#gadget(to, this.#party, to),
          sid: this.#mulSid(this.#party, to),
          inputs: [this.#r, this.#sk],
          message: messages.get(to)!,
          random: this.#s.random,
        }),
      );
      const [cu, cv] = reply.shares as [bigint, bigint];
      this.#alice.set(to, [cu, cv]);
      const psi = mod(this.#phi - this.#bob.get(to)!.chi);
      const body = new Writer()
        .fixed(this.#RBytes, 33)
        .fixed(this.#salt, 32)
        .fixed(pkBytes, 33)
        .fixed(scalarToBytes(psi), 32)
        .fixed(reply.message, reply.message.length)
        .finish();
      // Γ = (c^u + ρ·c^v)·G with ρ hashed from everything else we send (see finish()).
      const gamma = mod(cu + this.#rho(this.#party, to, body) * cv);
      if (gamma === 0n) throw new MpcError('INVALID_PARAMETERS', 'degenerate multiplication share; retry');
      gammas.push(mulBase(gamma)); // affine already (`multiply` normalises its result)
      bodies.push(body);
    }
    const encoded = gammas.map(pointToBytes);
    return this.#peers.map((to, i) => {
      const body = bodies[i]!;
      const payload = new Uint8Array(body.length + 33);
      payload.set(encoded[i]!, 0);
      payload.set(body, 33);
      return { to, payload, round: 2 };
    });
  }

  /**
   * ρ for the batched consistency check of Alice `alice`'s round-2 message to Bob `bob`:
   * uniform on 2^128 values, from 16 bytes of H(context, alice, bob, message without Γ) (in the
   * split form ρ_1 + ρ_2·λ that halves the cost of ρ·pk_j, see splitChallenge). Alice's
   * multiplication inputs (fixed by τ and γ), R and pk are all in the hash, so she cannot choose
   * them knowing ρ.
   */
  #rho(alice: PartyId, bob: PartyId, body: Uint8Array): bigint {
    const h = hashFields('cairn/dkls23/sign/gamma-batch/v1', [this.context, u16(alice), u16(bob), body]);
    return splitChallenge(h.subarray(0, 16));
  }

  /** After round 2: decommitments, multiplication checks, Γ checks; returns u_i, v_i, φ_i and R. */
  finish(inbox: ReadonlyMap<PartyId, Uint8Array>): PresignatureSecrets {
    let R = this.#R;
    let pkSum = this.#pk;
    let psiSum = this.#phi;
    let uSum = 0n;
    let vSum = 0n;
    for (const [from, payload] of inbox) {
      blame(from, () => {
        const r = new Reader(payload);
        const gamma = pointFromBytes(r.fixed(33));
        const Rj = pointFromBytes(r.fixed(33));
        const salt = r.fixed(32);
        const pkj = pointFromBytes(r.fixed(33));
        const psi = scalarFromBytes(r.fixed(32), true);
        const mul = r.fixed(ALICE_MESSAGE_BYTES);
        r.end();
        if (
          !equalBytes(commit(this.#nonceContext(from), pointToBytes(Rj), salt), this.#commitments.get(from)!)
        ) {
          throw new MpcError('INVALID_PROOF', 'instance point does not match its round-1 commitment');
        }
        const bob = this.#bob.get(from)!;
        const [du, dv] = mulReceiverFinish({
          state: bob,
          gadget: this.#gadget(from, from, this.#party),
          message: mul,
        }) as [bigint, bigint];
        // Protocol 3.6 step 8, the consistency checks χ·R_j = d^u·G + Γ^u and χ·pk_j = d^v·G + Γ^v
        // (j's multiplication inputs were r_j and sk_j), batched with a 128-bit ρ hashed from
        // j's message: j sends Γ = Γ^u + ρ·Γ^v = (c^u + ρ·c^v)·G and we check
        // χ·(R_j + ρ·pk_j) = Γ + (d^u + ρ·d^v)·G. j's inputs, R_j and pk_j are fixed before ρ is
        // known, so a j that multiplied (r', sk') ≠ (r_j, sk_j) passes only if
        // (r_j − r') + ρ·(sk_j − sk') = 0: probability 2^-128 per attempt (random oracle).
        // One constant-time multiplication by the secret χ instead of two.
        const rho = this.#rho(from, this.#party, payload.subarray(33));
        const lhs = mulSecretPoint(Rj.add(pkj.multiplyUnsafe(rho)), bob.chi);
        const d = mod(du + rho * dv);
        const rhs = gamma.add(d === 0n ? Point.ZERO : mulBase(d));
        if (!lhs.equals(rhs)) {
          throw new MpcError(
            'INVALID_PROOF',
            'Γ consistency check failed (multiplied values other than r_j and sk_j)',
          );
        }
        const [cu, cv] = this.#alice.get(from)!;
        R = R.add(Rj);
        pkSum = pkSum.add(pkj);
        psiSum += psi;
        uSum += cu! + du;
        vSum += cv! + dv;
      });
    }
    // Step 9: the public key shares add up to the key (zero shares and Lagrange weights agree).
    if (!pkSum.equals(keyTable(this.#s.share.publicKey))) {
      throw new MpcError('KEY_MISMATCH', 'signers’ public key shares do not add up to the group key');
    }
    if (R.is0()) throw new MpcError('INVALID_PROOF', 'the instance point is the identity');
    psiSum = mod(psiSum);
    // R in affine form once, so the online round reads r_x without an inversion.
    return {
      R: Point.fromAffine(R.toAffine()),
      u: mod(this.#r * psiSum + uSum),
      v: mod(this.#sk * psiSum + vSum),
      phi: this.#phi,
    };
  }
}

const HALF_N = N >> 1n;

/** Round 3 (step 10) for one signer: its broadcast share of the signature. */
function onlineShare(secrets: PresignatureSecrets, tweak: bigint, message: Uint8Array): OnlineShare {
  const m = bytesToNumberBE(message) % N;
  const rx = secrets.R.toAffine().x % N;
  return { u: secrets.u, w: mod(m * secrets.phi + rx * (secrets.v + tweak * secrets.phi)) };
}

const keyTables = new Map<string, Point>();

/** The group key with a window table (cached): verification then costs two fast multiplications. */
function keyTable(publicKey: Uint8Array): Point {
  const id = bytesToHex(publicKey);
  let p = keyTables.get(id);
  if (!p) {
    p = pointFromBytes(publicKey); // a fresh point object: its table is ours alone
    p.precompute(6, false);
    if (keyTables.size >= 256) keyTables.delete(keyTables.keys().next().value!);
    keyTables.set(id, p);
  }
  return p;
}

/**
 * ECDSA verification (SEC 1 §4.1.4) of (r, s) on the 32-byte hash under the derived key
 * PK + δ·G, computed as R' = (e/s + δ·r/s)·G + (r/s)·PK with PK's cached window table; valid iff
 * R' ≠ O and x(R') ≡ r (mod n). Public values only: variable-time arithmetic is fine.
 */
export function verifyDerived(params: {
  parentKey: Uint8Array;
  tweak: bigint;
  message: Uint8Array;
  r: bigint;
  s: bigint;
}): boolean {
  const { r, s, tweak } = params;
  if (r <= 0n || r >= N || s <= 0n || s > HALF_N) return false;
  const e = bytesToNumberBE(params.message) % N;
  const sInv = invert(s);
  const u2 = mod(r * sInv);
  const u1 = mod(e * sInv + u2 * tweak);
  const point = G.multiplyUnsafe(u1).add(keyTable(params.parentKey).multiplyUnsafe(u2));
  return !point.is0() && point.toAffine().x % N === r;
}

/** Combines the signers' (u_i, w_i) into a low-S signature with recovery id, verified. */
function combine(params: {
  R: Point;
  parentKey: Uint8Array;
  tweak: bigint;
  publicKey: Uint8Array;
  message: Uint8Array;
  u: bigint;
  w: bigint;
}): Signature {
  const { x, y } = params.R.toAffine();
  const r = x % N;
  if (r === 0n || params.u === 0n)
    throw new MpcError('INVALID_SIGNATURE', 'degenerate signature (r or Σu is zero)');
  let s = mod(params.w * invert(params.u));
  if (s === 0n) throw new MpcError('INVALID_SIGNATURE', 'degenerate signature (s is zero)');
  let recovery = Number(y & 1n) | (x >= N ? 2 : 0);
  if (s > HALF_N) {
    s = N - s;
    recovery ^= 1;
  }
  // The final signature is verified before anything returns it.
  if (!verifyDerived({ parentKey: params.parentKey, tweak: params.tweak, message: params.message, r, s })) {
    throw new MpcError('INVALID_SIGNATURE', 'the combined signature does not verify');
  }
  const bytes = new Uint8Array(64);
  bytes.set(scalarToBytes(r), 0);
  bytes.set(scalarToBytes(s), 32);
  return { bytes, recovery, publicKey: params.publicKey.slice() };
}

/** A signer's online-round share: u_i (its share of r·φ) and w_i. */
interface OnlineShare {
  u: bigint;
  w: bigint;
}

function readOnline(payload: Uint8Array, binding: Uint8Array): OnlineShare {
  const r = new Reader(payload);
  if (!equalBytes(r.fixed(32), binding)) {
    throw new MpcError(
      'SESSION_MISMATCH',
      'online share belongs to another presignature, message or session',
    );
  }
  const u = scalarFromBytes(r.fixed(32), true);
  const w = scalarFromBytes(r.fixed(32), true);
  r.end();
  return { u, w };
}

function onlinePayload(binding: Uint8Array, share: OnlineShare): Uint8Array {
  return new Writer()
    .fixed(binding, 32)
    .fixed(scalarToBytes(share.u), 32)
    .fixed(scalarToBytes(share.w), 32)
    .finish();
}

/**
 * Runs `fn` for `party`; an MpcError it throws that is not already an abort aborts the run with
 * no culprit (what `RoundProtocol.abort(code, null, message)` throws).
 */
function unattributed<T>(party: PartyId, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof MpcError && !(error instanceof ProtocolAbortError)) {
      throw new ProtocolAbortError({
        code: error.code,
        culprit: null,
        detectedBy: party,
        message: error.message,
      });
    }
    throw error;
  }
}

/**
 * After the online broadcast (round 3, or the online round of a presignature): every other
 * signer's (u_j, w_j), read against `binding` (a bad one aborts naming its sender), added to
 * `own` and combined into the signature (a bad result aborts unattributed).
 */
function signOnline(
  party: PartyId,
  own: OnlineShare,
  inbox: ReadonlyMap<PartyId, Uint8Array>,
  binding: Uint8Array,
  signing: Omit<Parameters<typeof combine>[0], 'u' | 'w'>,
): Signature {
  let u = own.u;
  let w = own.w;
  for (const [from, payload] of inbox) {
    const share = blame(from, () => readOnline(payload, binding));
    u += share.u;
    w += share.w;
  }
  return unattributed(party, () => combine({ ...signing, u: mod(u), w: mod(w) }));
}

/**
 * Rounds 1–2 as a round protocol, shared by one-shot signing and presigning: `presigned`
 * continues with this signer's presignature secrets (a failed check in `finish` that names no
 * signer aborts unattributed).
 */
abstract class PresigningProtocol<T> extends RoundProtocol<T> {
  protected readonly setup: SigningSetup;
  protected readonly rounds: PresignRounds;

  constructor(setup: SigningSetup) {
    super({
      party: setup.share.party,
      sessionId: setup.sessionId,
      protocol: setup.protocol,
      peers: setup.signers,
    });
    this.setup = setup;
    this.rounds = new PresignRounds(setup);
  }

  protected abstract presigned(secrets: PresignatureSecrets): Outgoing[];

  protected begin(): Outgoing[] {
    this.expect(1, this.setup.signers, 'direct');
    return this.rounds.round1();
  }

  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round === 1) {
      const out = this.rounds.round2(inbox);
      this.expect(2, this.setup.signers, 'direct');
      return out;
    }
    return this.presigned(unattributed(this.party, () => this.rounds.finish(inbox)));
  }
}

/** One-shot signing: rounds 1–3. */
export class Dkls23Sign extends PresigningProtocol<Signature> {
  readonly #message: Uint8Array;
  #secrets: PresignatureSecrets | null = null;
  #own: OnlineShare | null = null;

  constructor(setup: SigningSetup, message: Uint8Array) {
    super(setup);
    this.#message = message.slice();
  }

  protected presigned(secrets: PresignatureSecrets): Outgoing[] {
    this.#secrets = secrets;
    this.#own = onlineShare(secrets, this.setup.tweak, this.#message);
    this.expect(3, this.setup.signers, 'broadcast');
    return [{ to: null, payload: onlinePayload(this.rounds.context, this.#own), round: 3 }];
  }

  protected override onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round < 3) return super.onRound(round, inbox);
    this.finish(
      signOnline(this.party, this.#own!, inbox, this.rounds.context, {
        R: this.#secrets!.R,
        parentKey: this.setup.share.publicKey,
        tweak: this.setup.tweak,
        publicKey: this.setup.publicKey,
        message: this.#message,
      }),
    );
    return [];
  }
}

/** Presigning: rounds 1–2; the result is a single-use presignature. */
export class Dkls23Presign extends PresigningProtocol<Dkls23Presignature> {
  protected presigned(secrets: PresignatureSecrets): Outgoing[] {
    const s = this.setup;
    const binding = this.rounds.context;
    this.finish(
      new Dkls23Presignature({
        id: bytesToHex(binding.subarray(0, 16)),
        keyId: s.share.keyId,
        version: s.share.version,
        party: s.share.party,
        signers: s.signers,
        publicKey: s.publicKey,
        parentKey: s.share.publicKey,
        tweak: s.tweak,
        binding,
        secrets,
      }),
    );
    return [];
  }
}

/** The online round after a presignature: one broadcast of (u_i, w_i). */
export class Dkls23Online extends RoundProtocol<Signature> {
  readonly #presignature: Dkls23Presignature;
  readonly #secrets: PresignatureSecrets;
  readonly #message: Uint8Array;
  readonly #binding: Uint8Array;
  #own: OnlineShare | null = null;

  constructor(params: {
    sessionId: Uint8Array;
    protocol: string;
    presignature: Dkls23Presignature;
    message: Uint8Array;
  }) {
    super({
      party: params.presignature.party,
      sessionId: params.sessionId,
      protocol: params.protocol,
      peers: params.presignature.signers,
    });
    this.#presignature = params.presignature;
    this.#message = params.message.slice();
    // Consumed here, before anything is computed from it (a second use throws).
    this.#secrets = params.presignature.consume();
    this.#binding = hashFields('cairn/dkls23/online/binding/v1', [
      params.presignature.binding,
      params.sessionId,
      this.#message,
    ]);
  }

  protected begin(): Outgoing[] {
    this.#own = onlineShare(this.#secrets, this.#presignature.tweak, this.#message);
    this.expect(1, this.#presignature.signers, 'broadcast');
    return [{ to: null, payload: onlinePayload(this.#binding, this.#own), round: 1 }];
  }

  protected onRound(_round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    this.finish(
      signOnline(this.party, this.#own!, inbox, this.#binding, {
        R: this.#secrets.R,
        parentKey: this.#presignature.parentKey,
        tweak: this.#presignature.tweak,
        publicKey: this.#presignature.publicKey,
        message: this.#message,
      }),
    );
    return [];
  }
}
