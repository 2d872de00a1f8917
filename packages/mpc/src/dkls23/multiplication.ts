// Two-party random vector OLE (DKLs23, ePrint 2023/765, Functionality 3.5), realised with
// DKLs19 (ePrint 2019/523) Protocol 1 in the two-round form DKLs23 §5.1 describes: Bob (the
// receiver) picks the random input; Alice (the sender) has a vector of L = 2 inputs; at the end
// Alice holds c_k and Bob holds d_k with c_k + d_k = a_k · χ for k < L, where χ is Bob's random
// input, which Bob learns.
//
//   Bob, round 1 (message-independent):
//     β ←$ {0,1}^ξ with ξ = 256 + 2·80 = 416, χ = Σ_j g_j·β_j (g: the pair's public gadget
//     vector). Extend ξ random OTs with choice bits β (KOS15, ot/extension.ts).
//   Alice, round 2:
//     checks the OT extension; samples pads ã_k and one check pad â; for every OT j sends
//     τ_{k,j} = v0_{k,j} − v1_{k,j} + α_k (α = (ã_0, ã_1, â)), so Alice's z^A = −v0 and Bob's
//     z^B = v_{β_j} + β_j·τ sum to β_j·α_k;
//     Fiat–Shamir challenge (χ̃_0, χ̃_1, χ̂) = H(sid, Bob's message, τ, γ) — taken *after* τ is
//     fixed, so Alice cannot adapt τ to the challenge;
//     r_j = Σ_k χ̃_k z^A_{k,j} + χ̂ z^A_{2,j}, u = Σ_k χ̃_k ã_k + χ̂ â; sends H(sid, r), u (§5.1:
//     a hash of r suffices, Bob recomputes r) and γ_k = a_k − ã_k;
//     outputs c_k = Σ_j g_j z^A_{k,j}.
//   Bob: recomputes r_j = β_j u − Σ_k χ̃_k z^B_{k,j} − χ̂ z^B_{2,j}, aborts unless H(sid, r)
//     matches (DKLs19 step 6: catches an Alice whose pads differ across OTs, which would
//     otherwise corrupt Bob's output selectively), and outputs d_k = Σ_j g_j z^B_{k,j} + γ_k·χ.
//
// The check pad â is shared by both inputs (one random linear combination checks both), so
// Alice sends 3 rather than 4 scalars per OT. A failed check may leak to Alice whether some
// β_j = 1 (a selective failure); ξ = |n| + 2λ_s makes χ still statistically uniform given
// that leakage (DKLs19 §3, leftover hash lemma with the random gadget vector).
import { createHash, hash } from 'node:crypto';
import { encodeFields, equalBytes } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import type { RandomBytes } from '../scheme.ts';
import { hashFields, hashToScalars, mod, N, randomScalar } from './curve.ts';
import {
  COLUMN_BYTES,
  extendReceive,
  extendSend,
  extensionMessageBytes,
  type OteReceiverState,
  type OteSenderState,
} from './ot/extension.ts';
import { sessionPermutation, tccr } from './ot/tccr.ts';

/** ξ: OTs per multiplication. */
export const BATCH = 416;
/** L: inputs of Alice's vector (the instance key and the key share). */
export const INPUTS = 2;
const WIDTH = INPUTS + 1;

const gadgetCache = new Map<string, bigint[]>();

/** The pair's public gadget vector g ∈ Z_n^ξ, from the seed agreed at key set-up. */
export function gadgetVector(seed: Uint8Array): bigint[] {
  const id = Buffer.from(seed).toString('hex');
  let g = gadgetCache.get(id);
  if (!g) {
    g = hashToScalars('cairn/dkls23/mul/gadget/v1', [seed], BATCH);
    if (gadgetCache.size > 1024) gadgetCache.clear();
    gadgetCache.set(id, g);
  }
  return g;
}

const viewOf = (bytes: Uint8Array): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The 32-byte big-endian integer at `offset` (four 64-bit reads: no hex round trip). */
const readScalar = (view: DataView, offset: number): bigint =>
  (view.getBigUint64(offset) << 192n) |
  (view.getBigUint64(offset + 8) << 128n) |
  (view.getBigUint64(offset + 16) << 64n) |
  view.getBigUint64(offset + 24);

/** Writes 0 ≤ v < 2^256 as 32 bytes big-endian at `offset`. */
function writeScalar(view: DataView, offset: number, v: bigint): void {
  view.setBigUint64(offset, v >> 192n);
  view.setBigUint64(offset + 8, BigInt.asUintN(64, v >> 128n));
  view.setBigUint64(offset + 16, BigInt.asUintN(64, v >> 64n));
  view.setBigUint64(offset + 24, BigInt.asUintN(64, v));
}

/**
 * The random-OT output of OT j, WIDTH scalars per 128-bit string x_j: the tweakable
 * correlation-robust hash of Guo–Katz–Wang–Yu (ePrint 2019/074, §7.4) built from AES with a
 * session key, H(x, i) = π(π(x) ⊕ i) ⊕ π(x), over the distinct tweaks i = (j, block). Each
 * scalar is 32 output bytes reduced mod n (statistical distance < 2^-127 from uniform, since
 * n > 2^256 − 2^129). The sender hashes x and x ⊕ Δ under the same tweak, which is exactly the
 * correlation this hash is robust to (KOS15 §3). AES (native) replaces SHAKE256 here because it
 * runs once for all 416·2 strings instead of once per string.
 * `inputs` holds m ≥ count strings of 16 bytes, string i hashed under tweak j = i mod count (the
 * sender passes q^j for all j, then q^j ⊕ Δ, in one call); the result is flat, scalar k of
 * string i at index i·WIDTH + k.
 */
function otOutputs(sid: Uint8Array, inputs: Uint8Array, count: number): bigint[] {
  const pi = sessionPermutation('cairn/dkls23/mul/ot-output-key/v1', sid);
  const m = inputs.length / COLUMN_BYTES;
  const z = tccr(pi, inputs, 2 * WIDTH, count); // 32 bytes per scalar
  const view = viewOf(z);
  const out = new Array<bigint>(m * WIDTH);
  for (let s = 0; s < m * WIDTH; s++) {
    const v = readScalar(view, 32 * s);
    out[s] = v >= N ? v - N : v;
  }
  return out;
}

/**
 * (χ̃_0, χ̃_1, χ̂) = H(sid, SHA-256(Bob's message), SHA-256(τ‖γ)): the long fields enter through
 * SHA-256 (collision resistant; native SHA extensions make it 3× faster than SHAKE256 here).
 */
function checkChallenge(sid: Uint8Array, bobMessage: Uint8Array, tail: Uint8Array): bigint[] {
  const bob = hash('sha256', bobMessage, 'buffer');
  return hashToScalars('cairn/dkls23/mul/check/v1', [sid, bob, hash('sha256', tail, 'buffer')], WIDTH);
}

function hashR(sid: Uint8Array, r: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(encodeFields('cairn/dkls23/mul/verify/v1', [sid]))
    .update(r)
    .digest();
}

const NONCE_BYTES = 16;
/** Bob's message: nonce and the OT-extension message. */
export const BOB_MESSAGE_BYTES = NONCE_BYTES + extensionMessageBytes(BATCH);

const effectiveSid = (sid: Uint8Array, nonce: Uint8Array) =>
  hashFields('cairn/dkls23/mul/session/v1', [sid, nonce]);

/** Alice's corrections τ: ξ·(L + 1) scalars, the bulk of her message. */
export const CORRECTION_BYTES = BATCH * WIDTH * 32;
/** Alice's message: τ, γ (L scalars), u and H(r). */
export const ALICE_MESSAGE_BYTES = CORRECTION_BYTES + INPUTS * 32 + 32 + 32;

export interface MulReceiverState {
  readonly sid: Uint8Array;
  readonly beta: Uint8Array;
  readonly columns: Uint8Array;
  readonly chi: bigint;
  readonly message: Uint8Array;
}

/** Bob's first (message-independent) step: his random input χ and the message to Alice. */
export function mulReceiverStart(params: {
  ote: OteReceiverState;
  gadget: readonly bigint[];
  sid: Uint8Array;
  random: RandomBytes;
}): { chi: bigint; message: Uint8Array; state: MulReceiverState } {
  const beta = params.random(BATCH / 8);
  let chi = 0n;
  for (let j = 0; j < BATCH; j++) {
    if ((beta[j >>> 3]! >>> (j & 7)) & 1) chi += params.gadget[j]!;
  }
  chi = mod(chi);
  // A fresh nonce makes the OT-extension PRG streams unique even if a session id were ever
  // reused with the same key share (repeated streams would reveal choice bits via u ⊕ u').
  const nonce = params.random(NONCE_BYTES);
  const sid = effectiveSid(params.sid, nonce);
  const ext = extendReceive({ state: params.ote, sid, choices: beta, count: BATCH, random: params.random });
  const message = new Uint8Array(NONCE_BYTES + ext.message.length);
  message.set(nonce);
  message.set(ext.message, NONCE_BYTES);
  return { chi, message, state: { sid, beta, columns: ext.columns, chi, message } };
}

/** Alice's only step: checks Bob's message, returns her shares c_k and her message to Bob. */
export function mulSenderRespond(params: {
  ote: OteSenderState;
  gadget: readonly bigint[];
  sid: Uint8Array;
  inputs: readonly bigint[];
  message: Uint8Array;
  random: RandomBytes;
}): { shares: bigint[]; message: Uint8Array } {
  const { gadget, inputs } = params;
  if (inputs.length !== INPUTS) throw new MpcError('INVALID_PARAMETERS', `expected ${INPUTS} inputs`);
  if (params.message.length !== BOB_MESSAGE_BYTES) {
    throw new MpcError('MALFORMED_MESSAGE', `multiplication message must be ${BOB_MESSAGE_BYTES} bytes`);
  }
  const sid = effectiveSid(params.sid, params.message.subarray(0, NONCE_BYTES));
  const columns = extendSend({
    state: params.ote,
    sid,
    count: BATCH,
    message: params.message.subarray(NONCE_BYTES),
  });
  // v0 (strings q^j) and v1 (strings q^j ⊕ Δ) in one pass: string i < BATCH is q^i, BATCH + i is q^i ⊕ Δ.
  const delta = params.ote.delta;
  const strings = new Uint8Array(2 * BATCH * COLUMN_BYTES);
  strings.set(columns.subarray(0, BATCH * COLUMN_BYTES));
  for (let i = 0; i < BATCH * COLUMN_BYTES; i++) {
    strings[BATCH * COLUMN_BYTES + i] = columns[i]! ^ delta[i & 15]!;
  }
  const v = otOutputs(sid, strings, BATCH);
  const v1 = BATCH * WIDTH;
  const alpha = Array.from({ length: WIDTH }, () => randomScalar(params.random));
  const out = new Uint8Array(ALICE_MESSAGE_BYTES);
  const view = viewOf(out);
  // τ_{k,j} = v0 − v1 + α_k; Alice's share of OT j is z^A_{k,j} = −v0_{k,j}.
  for (let s = 0; s < BATCH * WIDTH; s++) {
    let tau = v[s]! - v[v1 + s]! + alpha[s % WIDTH]!;
    if (tau < 0n) tau += N;
    else if (tau >= N) tau -= N;
    writeScalar(view, 32 * s, tau);
  }
  const tauEnd = BATCH * WIDTH * 32;
  const gamma: bigint[] = [];
  for (let k = 0; k < INPUTS; k++) {
    gamma.push(mod(inputs[k]! - alpha[k]!));
    writeScalar(view, tauEnd + 32 * k, gamma[k]!);
  }
  const chal = checkChallenge(sid, params.message, out.subarray(0, tauEnd + INPUTS * 32));
  // r_j = Σ_k χ̃_k z^A_{k,j} + χ̂ z^A_{2,j} = −Σ_k chal_k·v0_{k,j} (one reduction per j).
  const r = new Uint8Array(BATCH * 32);
  const rView = viewOf(r);
  const [c0, c1, c2] = chal as [bigint, bigint, bigint];
  for (let j = 0; j < BATCH; j++) {
    const s = j * WIDTH;
    const acc = (c0 * v[s]! + c1 * v[s + 1]! + c2 * v[s + 2]!) % N;
    writeScalar(rView, 32 * j, acc === 0n ? 0n : N - acc);
  }
  let u = 0n;
  for (let k = 0; k < WIDTH; k++) u += chal[k]! * alpha[k]!;
  writeScalar(view, tauEnd + INPUTS * 32, u % N);
  out.set(hashR(sid, r), tauEnd + INPUTS * 32 + 32);
  // c_k = Σ_j g_j z^A_{k,j} = −Σ_j g_j v0_{k,j}: accumulated unreduced, reduced once.
  const shares: bigint[] = [];
  for (let k = 0; k < INPUTS; k++) {
    let acc = 0n;
    for (let j = 0; j < BATCH; j++) acc += gadget[j]! * v[j * WIDTH + k]!;
    shares.push(mod(-acc));
  }
  return { shares, message: out };
}

/** Bob's last step: checks Alice's message (DKLs19 step 6) and returns his shares d_k. */
export function mulReceiverFinish(params: {
  state: MulReceiverState;
  gadget: readonly bigint[];
  message: Uint8Array;
}): bigint[] {
  const { state, gadget, message } = params;
  if (message.length !== ALICE_MESSAGE_BYTES) {
    throw new MpcError('MALFORMED_MESSAGE', `multiplication message must be ${ALICE_MESSAGE_BYTES} bytes`);
  }
  const view = viewOf(message);
  const tauEnd = BATCH * WIDTH * 32;
  const scalarAt = (offset: number): bigint => {
    const v = readScalar(view, offset);
    if (v >= N) throw new MpcError('INVALID_SCALAR', 'multiplication scalar is not below the group order');
    return v;
  };
  const gamma = Array.from({ length: INPUTS }, (_, k) => scalarAt(tauEnd + 32 * k));
  const u = scalarAt(tauEnd + INPUTS * 32);
  const rHash = message.subarray(tauEnd + INPUTS * 32 + 32);
  const chal = checkChallenge(state.sid, state.message, message.subarray(0, tauEnd + INPUTS * 32));
  const [c0, c1, c2] = chal as [bigint, bigint, bigint];
  const v = otOutputs(state.sid, state.columns, BATCH);
  const r = new Uint8Array(BATCH * 32);
  const rView = viewOf(r);
  let out0 = 0n;
  let out1 = 0n;
  for (let j = 0; j < BATCH; j++) {
    // z^B_{k,j} = v_{k,j} + β_j·τ_{k,j}, left unreduced (< 2n). Every τ is parsed and range-checked
    // whatever β_j, so the work done does not depend on the choice bits (BigInt caveats apply).
    const bit = (state.beta[j >>> 3]! >>> (j & 7)) & 1;
    const s = j * WIDTH;
    const t0 = scalarAt(32 * s);
    const t1 = scalarAt(32 * s + 32);
    const t2 = scalarAt(32 * s + 64);
    const z0 = v[s]! + (bit === 1 ? t0 : 0n);
    const z1 = v[s + 1]! + (bit === 1 ? t1 : 0n);
    const z2 = v[s + 2]! + (bit === 1 ? t2 : 0n);
    // r_j = β_j·u − Σ_k χ̃_k z^B_{k,j} − χ̂ z^B_{2,j}
    writeScalar(rView, 32 * j, mod((bit === 1 ? u : 0n) - (c0 * z0 + c1 * z1 + c2 * z2)));
    const g = gadget[j]!;
    out0 += g * z0;
    out1 += g * z1;
  }
  if (!equalBytes(hashR(state.sid, r), rHash)) {
    throw new MpcError('INVALID_PROOF', 'multiplication consistency check failed');
  }
  return [out0, out1].map((o, k) => mod(o + gamma[k]! * state.chi));
}
