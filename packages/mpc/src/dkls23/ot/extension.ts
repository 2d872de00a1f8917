// OT extension: KOS15 (Keller–Orsini–Scholl, ePrint 2015/546, Fig. 7) with KAPPA = 128 base
// OTs, made non-interactive with Fiat–Shamir as DKLs23 (ePrint 2023/765, §5.1 and p. 30)
// prescribes, extending the base OTs of the key set-up into `count` random OTs per signing.
//
// Roles (for one ordered pair): the OT-extension *sender* holds Δ ∈ {0,1}^128 and the seeds
// k_{Δ_i,i} (it was the base-OT receiver); the *receiver* holds both seeds k0_i, k1_i.
//
//   receiver: x' = x || ρ (ρ: KAPPA + λ_s = 208 random padding bits, so the check reveals
//             nothing about x), t_i = PRG(k0_i), u_i = t_i ⊕ PRG(k1_i) ⊕ x'  (rows i < 128)
//             χ_j = H(sid, u)_j ∈ GF(2^128) (Fiat–Shamir for the sender's random challenge)
//             x̃ = Σ χ_j·x'_j,  t̃ = Σ χ_j·t^j   (t^j: column j of the matrix t)
//   sender:   q_i = PRG(k_{Δ_i}) ⊕ Δ_i·u_i, so q^j = t^j ⊕ x'_j·Δ; checks Σ χ_j·q^j = t̃ + x̃·Δ.
//
// The check (KOS15 §4) catches a receiver that used inconsistent choice bits across rows,
// which would otherwise let it learn bits of Δ, i.e. both messages of some OTs. The
// challenge hashes the whole matrix u, so any change to any byte of the message changes
// the challenge and fails the check. Outputs are random OTs: the receiver learns
// H(j, t^j) and the sender both H(j, q^j) and H(j, q^j ⊕ Δ), with j and the session in the hash
// (tweakable correlation-robust hash), which callers expand to what they need.
import { createHash } from 'node:crypto';
import { MpcError } from '../../errors.ts';
import type { RandomBytes } from '../../scheme.ts';
import { encodeFields } from '../../encoding.ts';
import { KAPPA } from './base-ot.ts';
import { innerProduct, load, mulAcc, store } from './gf128.ts';
import { BLOCK, type Permutation, sessionPermutation, tccr } from './tccr.ts';

const prgPermutation = (sid: Uint8Array): Permutation =>
  sessionPermutation('cairn/dkls23/ote/prg-key/v1', sid);

/** Padding columns: KAPPA + statistical security 80, as KOS15 requires for the check to hide x. */
export const PADDING_BITS = KAPPA + 80;
const ROW = 16; // bytes per column of the transposed matrix (KAPPA bits)

export interface OteSenderState {
  /** Δ: the sender's base-OT choice bits (16 bytes). */
  readonly delta: Uint8Array;
  /** k_{Δ_i, i} for i < KAPPA. */
  readonly seeds: readonly Uint8Array[];
}

export interface OteReceiverState {
  readonly seeds0: readonly Uint8Array[];
  readonly seeds1: readonly Uint8Array[];
}

function rowBytes(count: number): number {
  if (count % 8 !== 0) throw new MpcError('INVALID_PARAMETERS', 'OT count must be a multiple of 8');
  return (count + PADDING_BITS) / 8;
}

export function extensionMessageBytes(count: number): number {
  return KAPPA * rowBytes(count) + 2 * ROW;
}

/**
 * PRG(seed_i) for every row i of session `sid`, `length` bytes each, into one buffer (row i at
 * offset i·length): the AES-based tweakable correlation-robust hash (tccr.ts) of the seed's first
 * 16 bytes under the session's key, at tweaks (i, 0), (i, 1), … — keyed by a uniform secret
 * 128-bit seed, a PRG (κ = 128); one native AES pass for all rows instead of one hash call per row.
 */
function prgRows(pi: Permutation, seeds: readonly Uint8Array[], length: number): Uint8Array {
  const blocks = Math.ceil(length / BLOCK);
  const inputs = new Uint8Array(seeds.length * BLOCK);
  for (let i = 0; i < seeds.length; i++) inputs.set(seeds[i]!.subarray(0, BLOCK), i * BLOCK);
  const stream = tccr(pi, inputs, blocks, seeds.length);
  const out = new Uint8Array(seeds.length * length);
  for (let i = 0; i < seeds.length; i++) {
    out.set(stream.subarray(i * blocks * BLOCK, i * blocks * BLOCK + length), i * length);
  }
  return out;
}

/**
 * Columns of a KAPPA × (8·L) bit matrix given as KAPPA rows of L bytes (row i at offset i·L):
 * (8·L) columns of 16 bytes. Works on 8×8 bit blocks (rows 8m..8m+7, byte b of each): the
 * block is transposed with three masked swaps (Hacker's Delight §7-3) held in two 32-bit words.
 */
function transpose(rows: Uint8Array, L: number): Uint8Array {
  const out = new Uint8Array(8 * L * ROW);
  for (let m = 0; m < KAPPA / 8; m++) {
    const r0 = 8 * m * L;
    for (let b = 0; b < L; b++) {
      // Bit 8k + c of (x | y << 32) is bit c of row 8m + k's byte b.
      let o = r0 + b;
      let x = rows[o]! | (rows[o + L]! << 8) | (rows[o + 2 * L]! << 16) | (rows[o + 3 * L]! << 24);
      o += 4 * L;
      let y = rows[o]! | (rows[o + L]! << 8) | (rows[o + 2 * L]! << 16) | (rows[o + 3 * L]! << 24);
      let t = (x ^ (x >>> 7)) & 0x00aa00aa;
      x = x ^ t ^ (t << 7);
      t = (y ^ (y >>> 7)) & 0x00aa00aa;
      y = y ^ t ^ (t << 7);
      t = (x ^ (x >>> 14)) & 0x0000cccc;
      x = x ^ t ^ (t << 14);
      t = (y ^ (y >>> 14)) & 0x0000cccc;
      y = y ^ t ^ (t << 14);
      t = (x ^ (y << 4)) & 0xf0f0f0f0;
      x ^= t;
      y ^= t >>> 4;
      // Now bit 8c + k is bit c of row 8m + k: byte c is column 8b + c's byte m.
      const base = 8 * b * ROW + m;
      out[base] = x & 0xff;
      out[base + ROW] = (x >>> 8) & 0xff;
      out[base + 2 * ROW] = (x >>> 16) & 0xff;
      out[base + 3 * ROW] = x >>> 24;
      out[base + 4 * ROW] = y & 0xff;
      out[base + 5 * ROW] = (y >>> 8) & 0xff;
      out[base + 6 * ROW] = (y >>> 16) & 0xff;
      out[base + 7 * ROW] = y >>> 24;
    }
  }
  return out;
}

function challenges(sid: Uint8Array, u: Uint8Array, columns: number): Uint8Array {
  return createHash('shake256', { outputLength: columns * ROW })
    .update(encodeFields('cairn/dkls23/ote/check/v1', [sid]))
    .update(u)
    .digest();
}

/**
 * Receiver, one message: extends to `count` random OTs with choice bits `choices` (packed
 * LSB-first, count bits). Returns the message for the sender and the receiver's columns
 * t^j (j < count), from which its OT outputs are hashed.
 */
export function extendReceive(params: {
  state: OteReceiverState;
  sid: Uint8Array;
  choices: Uint8Array;
  count: number;
  random: RandomBytes;
}): { message: Uint8Array; columns: Uint8Array } {
  const { state, sid, count } = params;
  const L = rowBytes(count);
  const x = new Uint8Array(L);
  x.set(params.choices.subarray(0, count / 8));
  x.set(params.random(PADDING_BITS / 8), count / 8);
  const message = new Uint8Array(KAPPA * L + 2 * ROW);
  const pi = prgPermutation(sid);
  const t = prgRows(pi, state.seeds0, L);
  const u = prgRows(pi, state.seeds1, L);
  for (let i = 0; i < KAPPA; i++) {
    const off = i * L;
    for (let b = 0; b < L; b++) message[off + b] = u[off + b]! ^ t[off + b]! ^ x[b]!;
  }
  const columns = transpose(t, L);
  const chi = challenges(sid, message.subarray(0, KAPPA * L), 8 * L);
  // x̃ = Σ x'_j·χ_j, without branching on the secret choice bits.
  const xt = new Uint32Array(4);
  const c = new Uint32Array(4);
  for (let j = 0; j < 8 * L; j++) {
    load(chi, j * ROW, c);
    const mask = -((x[j >>> 3]! >>> (j & 7)) & 1) >>> 0;
    for (let w = 0; w < 4; w++) xt[w] = (xt[w]! ^ (c[w]! & mask)) >>> 0;
  }
  // t̃ = Σ χ_j·t^j.
  const tt = innerProduct(chi, columns, 8 * L);
  store(xt, message, KAPPA * L);
  store(tt, message, KAPPA * L + ROW);
  return { message, columns: columns.subarray(0, count * ROW) };
}

/**
 * Sender: checks the receiver's message (KOS15 consistency check) and returns the columns
 * q^j (j < count); the receiver's t^j equals q^j ⊕ x_j·Δ. Throws INVALID_PROOF on a failed check.
 */
export function extendSend(params: {
  state: OteSenderState;
  sid: Uint8Array;
  count: number;
  message: Uint8Array;
}): Uint8Array {
  const { state, sid, count, message } = params;
  const L = rowBytes(count);
  if (message.length !== KAPPA * L + 2 * ROW) {
    throw new MpcError('MALFORMED_MESSAGE', `OT extension message must be ${KAPPA * L + 2 * ROW} bytes`);
  }
  const delta = state.delta;
  const q = prgRows(prgPermutation(sid), state.seeds, L);
  for (let i = 0; i < KAPPA; i++) {
    const mask = -((delta[i >>> 3]! >>> (i & 7)) & 1) & 0xff;
    const off = i * L;
    for (let b = 0; b < L; b++) q[off + b] = q[off + b]! ^ (message[off + b]! & mask);
  }
  const columns = transpose(q, L);
  const chi = challenges(sid, message.subarray(0, KAPPA * L), 8 * L);
  const qt = innerProduct(chi, columns, 8 * L);
  // Expected: t̃ + x̃·Δ.
  const xt = new Uint32Array(4);
  const expected = new Uint32Array(4);
  const d = new Uint32Array(4);
  load(message, KAPPA * L, xt);
  load(message, KAPPA * L + ROW, expected);
  load(delta, 0, d);
  mulAcc(xt, d, expected);
  let diff = 0;
  for (let w = 0; w < 4; w++) diff |= qt[w]! ^ expected[w]!;
  if (diff !== 0) throw new MpcError('INVALID_PROOF', 'OT extension consistency check failed');
  return columns.subarray(0, count * ROW);
}

/** XOR of column j with Δ (the sender's second message input). */
export function xorDelta(columns: Uint8Array, j: number, delta: Uint8Array, out: Uint8Array): Uint8Array {
  for (let b = 0; b < ROW; b++) out[b] = columns[j * ROW + b]! ^ delta[b]!;
  return out;
}

export const COLUMN_BYTES = ROW;
