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
import { createCipheriv, createHash } from 'node:crypto';
import { encodeFields } from '../encoding.ts';
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

const readScalar = (buf: Buffer, offset: number): bigint =>
  BigInt(`0x${buf.toString('hex', offset, offset + 32)}`);

function writeScalar(buf: Buffer, offset: number, v: bigint): void {
  buf.write(v.toString(16).padStart(64, '0'), offset, 32, 'hex');
}

/**
 * The random-OT output of OT j, WIDTH scalars per 128-bit string x_j: the tweakable
 * correlation-robust hash of Guo–Katz–Wang–Yu (ePrint 2019/074, §7.4) built from AES with a
 * session key, H(x, i) = π(π(x) ⊕ i) ⊕ π(x), over the distinct tweaks i = (j, block). Each
 * scalar is 32 output bytes reduced mod n (statistical distance < 2^-127 from uniform, since
 * n > 2^256 − 2^129). The sender hashes x and x ⊕ Δ under the same tweak, which is exactly the
 * correlation this hash is robust to (KOS15 §3). AES (native) replaces SHAKE256 here because it
 * runs once for all 416·2 strings instead of once per string.
 */
function otOutputs(
  sid: Uint8Array,
  columns: Uint8Array,
  count: number,
  delta: Uint8Array | null,
): bigint[][] {
  const key = createHash('sha256')
    .update(encodeFields('cairn/dkls23/mul/ot-output-key/v1', [sid]))
    .digest()
    .subarray(0, 16);
  const input = Buffer.alloc(count * COLUMN_BYTES);
  input.set(columns.subarray(0, count * COLUMN_BYTES));
  if (delta) for (let i = 0; i < input.length; i++) input[i]! ^= delta[i & 15]!;
  const pi = (data: Buffer): Buffer => {
    const c = createCipheriv('aes-128-ecb', key, null);
    c.setAutoPadding(false);
    const out = c.update(data);
    // 32-bit views below need 4-byte alignment.
    return out.byteOffset % 4 === 0 ? out : Buffer.from(new Uint8Array(out));
  };
  const y = pi(input);
  const blocks = 2 * WIDTH; // 32 bytes per scalar
  const tweaked = Buffer.alloc(count * blocks * 16);
  const y32 = new Uint32Array(y.buffer, y.byteOffset, y.length / 4);
  const t32 = new Uint32Array(tweaked.buffer, tweaked.byteOffset, tweaked.length / 4);
  for (let j = 0; j < count; j++) {
    const y0 = y32[4 * j]!;
    const y1 = y32[4 * j + 1]!;
    const y2 = y32[4 * j + 2]!;
    const y3 = y32[4 * j + 3]!;
    for (let b = 0; b < blocks; b++) {
      // Tweak (j, b) in the first word (little-endian: distinct for every j < 2^16, b < 256).
      const o = 4 * (j * blocks + b);
      t32[o] = y0 ^ (j | (b << 16));
      t32[o + 1] = y1;
      t32[o + 2] = y2;
      t32[o + 3] = y3;
    }
  }
  const z = pi(tweaked);
  const z32 = new Uint32Array(z.buffer, z.byteOffset, z.length / 4);
  for (let j = 0; j < count; j++) {
    for (let b = 0; b < blocks; b++) {
      const o = 4 * (j * blocks + b);
      for (let k = 0; k < 4; k++) z32[o + k]! ^= y32[4 * j + k]!;
    }
  }
  const out: bigint[][] = Array.from({ length: WIDTH }, () => new Array<bigint>(count));
  for (let j = 0; j < count; j++) {
    for (let k = 0; k < WIDTH; k++) {
      const o = (j * WIDTH + k) * 32;
      const v = BigInt(`0x${z.toString('hex', o, o + 32)}`);
      out[k]![j] = v >= N ? v - N : v;
    }
  }
  return out;
}

function checkChallenge(sid: Uint8Array, bobMessage: Uint8Array, tail: Uint8Array): bigint[] {
  const bob = createHash('sha256').update(bobMessage).digest();
  return hashToScalars('cairn/dkls23/mul/check/v1', [sid, bob, tail], WIDTH);
}

function hashR(sid: Uint8Array, r: Buffer): Uint8Array {
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

export const ALICE_MESSAGE_BYTES = BATCH * WIDTH * 32 + INPUTS * 32 + 32 + 32;

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
  const delta = params.ote.delta;
  const alpha = Array.from({ length: WIDTH }, () => randomScalar(params.random));
  const out = Buffer.alloc(ALICE_MESSAGE_BYTES);
  const zA: bigint[][] = Array.from({ length: WIDTH }, () => new Array<bigint>(BATCH));
  const v0 = otOutputs(sid, columns, BATCH, null);
  const v1 = otOutputs(sid, columns, BATCH, delta);
  for (let j = 0; j < BATCH; j++) {
    for (let k = 0; k < WIDTH; k++) {
      const a = v0[k]![j]!;
      writeScalar(out, (j * WIDTH + k) * 32, mod(a - v1[k]![j]! + alpha[k]!));
      zA[k]![j] = a === 0n ? 0n : N - a;
    }
  }
  const tauEnd = BATCH * WIDTH * 32;
  const gamma: bigint[] = [];
  for (let k = 0; k < INPUTS; k++) {
    gamma.push(mod(inputs[k]! - alpha[k]!));
    writeScalar(out, tauEnd + 32 * k, gamma[k]!);
  }
  const chal = checkChallenge(sid, params.message, out.subarray(0, tauEnd + INPUTS * 32));
  const r = Buffer.alloc(BATCH * 32);
  for (let j = 0; j < BATCH; j++) {
    let acc = 0n;
    for (let k = 0; k < WIDTH; k++) acc += chal[k]! * zA[k]![j]!;
    writeScalar(r, 32 * j, acc % N);
  }
  let u = 0n;
  for (let k = 0; k < WIDTH; k++) u += chal[k]! * alpha[k]!;
  writeScalar(out, tauEnd + INPUTS * 32, u % N);
  out.set(hashR(sid, r), tauEnd + INPUTS * 32 + 32);
  const shares: bigint[] = [];
  for (let k = 0; k < INPUTS; k++) {
    let acc = 0n;
    const z = zA[k]!;
    for (let j = 0; j < BATCH; j++) acc += gadget[j]! * z[j]!;
    shares.push(acc % N);
  }
  return { shares, message: new Uint8Array(out.buffer, out.byteOffset, out.length) };
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
  const buf = Buffer.from(message.buffer, message.byteOffset, message.length);
  const tauEnd = BATCH * WIDTH * 32;
  const scalarAt = (offset: number): bigint => {
    const v = readScalar(buf, offset);
    if (v >= N) throw new MpcError('INVALID_SCALAR', 'multiplication scalar is not below the group order');
    return v;
  };
  const gamma = Array.from({ length: INPUTS }, (_, k) => scalarAt(tauEnd + 32 * k));
  const u = scalarAt(tauEnd + INPUTS * 32);
  const rHash = message.subarray(tauEnd + INPUTS * 32 + 32);
  const chal = checkChallenge(state.sid, state.message, message.subarray(0, tauEnd + INPUTS * 32));
  const v = otOutputs(state.sid, state.columns, BATCH, null);
  const r = Buffer.alloc(BATCH * 32);
  const outputs = new Array<bigint>(INPUTS).fill(0n);
  for (let j = 0; j < BATCH; j++) {
    const bit = (state.beta[j >>> 3]! >>> (j & 7)) & 1;
    let rj = bit === 1 ? u : 0n;
    for (let k = 0; k < WIDTH; k++) {
      const offset = (j * WIDTH + k) * 32;
      // Every τ must be below n; only those of chosen OTs (β_j = 1) are needed as numbers.
      // A value ≥ n starts with 15 bytes 0xff, so a cheap prefix test settles almost all.
      let z = v[k]![j]!;
      if (bit === 1) z = (z + scalarAt(offset)) % N;
      else if (buf.readUInt32BE(offset) === 0xffffffff) scalarAt(offset);
      rj -= chal[k]! * z;
      if (k < INPUTS) outputs[k] = outputs[k]! + gadget[j]! * z;
    }
    writeScalar(r, 32 * j, mod(rj));
  }
  const expected = hashR(state.sid, r);
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= expected[i]! ^ rHash[i]!;
  if (diff !== 0) throw new MpcError('INVALID_PROOF', 'multiplication consistency check failed');
  return outputs.map((o, k) => mod(o + gamma[k]! * state.chi));
}
