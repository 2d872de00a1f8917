// The tweakable correlation-robust hash of Guo–Katz–Wang–Yu (ePrint 2019/074, §7.4) from AES-128
// under a per-session key K (an ideal cipher whose key is public): H(x, i) = π(π(x) ⊕ i) ⊕ π(x)
// with π = AES_K. For a secret uniform R, the values H(w ⊕ R, i) at distinct tweaks i look random
// (tweakable correlation robustness), which is what both uses below need:
// - the OT-extension PRG (extension.ts): the rows PRG(k) = H(k, (row, 0)) ‖ H(k, (row, 1)) ‖ … of a
//   secret base-OT seed k (R = k, w = 0; the session key separates sessions);
// - the random-OT outputs of the multiplication (multiplication.ts): the sender hashes q^j and
//   q^j ⊕ Δ under the same tweak (R = Δ), the correlation KOS15 §3 needs a hash to be robust to.
// Everything runs as two native AES-ECB passes over all inputs at once.
import { createCipheriv, createHash } from 'node:crypto';
import { encodeFields } from '../../encoding.ts';
import { MpcError } from '../../errors.ts';

export const BLOCK = 16;

/** π = AES-128_K on whole blocks. ECB keeps no state between calls, so one cipher object serves every call. */
export type Permutation = (data: Uint8Array) => Buffer;

/** π for K = the first 16 bytes of SHA-256(encodeFields(domain, [sid])). */
export function sessionPermutation(domain: string, sid: Uint8Array): Permutation {
  const key = createHash('sha256')
    .update(encodeFields(domain, [sid]))
    .digest()
    .subarray(0, 16);
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return (data) => {
    const out = cipher.update(data);
    if (out.length !== data.length)
      throw new MpcError('INVALID_PARAMETERS', 'AES input must be whole blocks');
    // 32-bit views below need 4-byte alignment.
    return out.byteOffset % 4 === 0 ? out : Buffer.from(new Uint8Array(out));
  };
}

/**
 * For every 16-byte input x_i (i < m) and every b < `blocks`: H(x_i, (j, b)) with j = i mod
 * `period`; block b of input i at 16·(i·blocks + b) of the result. The tweak (j, b) is XORed into
 * the first little-endian word as j | b << 16, so distinct (j, b) give distinct tweaks.
 */
export function tccr(pi: Permutation, inputs: Uint8Array, blocks: number, period: number): Uint8Array {
  const m = inputs.length / BLOCK;
  if (!Number.isInteger(m) || period > 0x10000 || blocks > 0x10000) {
    throw new MpcError('INVALID_PARAMETERS', 'tweak out of range');
  }
  const y = pi(inputs);
  const tweaked = Buffer.alloc(m * blocks * BLOCK);
  const y32 = new Uint32Array(y.buffer, y.byteOffset, y.length / 4);
  const t32 = new Uint32Array(tweaked.buffer, tweaked.byteOffset, tweaked.length / 4);
  for (let i = 0; i < m; i++) {
    const j = i % period;
    const y0 = y32[4 * i]!;
    const y1 = y32[4 * i + 1]!;
    const y2 = y32[4 * i + 2]!;
    const y3 = y32[4 * i + 3]!;
    for (let b = 0; b < blocks; b++) {
      const o = 4 * (i * blocks + b);
      t32[o] = y0 ^ (j | (b << 16));
      t32[o + 1] = y1;
      t32[o + 2] = y2;
      t32[o + 3] = y3;
    }
  }
  const z = pi(tweaked);
  const z32 = new Uint32Array(z.buffer, z.byteOffset, z.length / 4);
  for (let i = 0; i < m; i++) {
    const y0 = y32[4 * i]!;
    const y1 = y32[4 * i + 1]!;
    const y2 = y32[4 * i + 2]!;
    const y3 = y32[4 * i + 3]!;
    for (let b = 0; b < blocks; b++) {
      const o = 4 * (i * blocks + b);
      z32[o] = z32[o]! ^ y0;
      z32[o + 1] = z32[o + 1]! ^ y1;
      z32[o + 2] = z32[o + 2]! ^ y2;
      z32[o + 3] = z32[o + 3]! ^ y3;
    }
  }
  return new Uint8Array(z.buffer, z.byteOffset, z.length);
}
