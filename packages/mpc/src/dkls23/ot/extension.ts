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
import { load, mulAcc, store } from './gf128.ts';

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

/** PRG(seed) for row `row` of session `sid`: SHAKE256(prefix(sid) || row || seed). */
function prg(prefix: Uint8Array, row: number, seed: Uint8Array, length: number): Uint8Array {
  return createHash('shake256', { outputLength: length })
    .update(prefix)
    .update(Uint8Array.of(row >>> 8, row & 0xff))
    .update(seed)
    .digest();
}

const prgPrefix = (sid: Uint8Array) => encodeFields('cairn/dkls23/ote/prg/v1', [sid]);

/** Columns of a KAPPA × (8·L) bit matrix given as KAPPA rows of L bytes: (8·L) × 16 bytes. */
function transpose(rows: readonly Uint8Array[], L: number): Uint8Array {
  const out = new Uint8Array(8 * L * ROW);
  for (let r = 0; r < KAPPA; r++) {
    const row = rows[r]!;
    const ob = r >>> 3;
    const bit = 1 << (r & 7);
    for (let b = 0; b < L; b++) {
      let v = row[b]!;
      const base = b * 8 * ROW + ob;
      while (v !== 0) {
        const low = 31 - Math.clz32(v & -v);
        out[base + low * ROW]! |= bit;
        v &= v - 1;
      }
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
  const t: Uint8Array[] = [];
  const prefix = prgPrefix(sid);
  for (let i = 0; i < KAPPA; i++) {
    const ti = prg(prefix, i, state.seeds0[i]!, L);
    const ui = prg(prefix, i, state.seeds1[i]!, L);
    for (let b = 0; b < L; b++) ui[b] = ui[b]! ^ ti[b]! ^ x[b]!;
    message.set(ui, i * L);
    t.push(ti);
  }
  const columns = transpose(t, L);
  const chi = challenges(sid, message.subarray(0, KAPPA * L), 8 * L);
  const xt = new Uint32Array(4);
  const tt = new Uint32Array(4);
  const c = new Uint32Array(4);
  const col = new Uint32Array(4);
  for (let j = 0; j < 8 * L; j++) {
    load(chi, j * ROW, c);
    // x̃ += x'_j · χ_j without branching on the secret choice bit.
    const mask = -((x[j >>> 3]! >>> (j & 7)) & 1) >>> 0;
    for (let w = 0; w < 4; w++) xt[w] = (xt[w]! ^ (c[w]! & mask)) >>> 0;
    load(columns, j * ROW, col);
    mulAcc(c, col, tt);
  }
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
  const q: Uint8Array[] = [];
  const prefix = prgPrefix(sid);
  for (let i = 0; i < KAPPA; i++) {
    const qi = prg(prefix, i, state.seeds[i]!, L);
    const mask = -((delta[i >>> 3]! >>> (i & 7)) & 1) & 0xff;
    const off = i * L;
    for (let b = 0; b < L; b++) qi[b] = qi[b]! ^ (message[off + b]! & mask);
    q.push(qi);
  }
  const columns = transpose(q, L);
  const chi = challenges(sid, message.subarray(0, KAPPA * L), 8 * L);
  const qt = new Uint32Array(4);
  const c = new Uint32Array(4);
  const col = new Uint32Array(4);
  for (let j = 0; j < 8 * L; j++) {
    load(chi, j * ROW, c);
    load(columns, j * ROW, col);
    mulAcc(c, col, qt);
  }
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
