// Arithmetic in GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), used only by the KOS15
// consistency check of the OT extension (a universal hash over the extended columns).
// Elements are 16 bytes; bit i (byte i >> 3, bit i & 7) is the coefficient of x^i.
// All operands of this check are either public or masked; the loops below branch on the bits
// of the Fiat–Shamir challenge only, which is public.

/** Reads 16 bytes at `offset` as four little-endian 32-bit words. */
export function load(bytes: Uint8Array, offset: number, out: Uint32Array): void {
  for (let w = 0; w < 4; w++) {
    const o = offset + 4 * w;
    out[w] = (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
  }
}

export function store(words: Uint32Array, out: Uint8Array, offset: number): void {
  for (let w = 0; w < 4; w++) {
    const v = words[w]!;
    const o = offset + 4 * w;
    out[o] = v & 0xff;
    out[o + 1] = (v >>> 8) & 0xff;
    out[o + 2] = (v >>> 16) & 0xff;
    out[o + 3] = (v >>> 24) & 0xff;
  }
}

const table = new Uint32Array(64);

/** v ← v·x in place (4 words at offset o of `t`), reduced mod x^128 + x^7 + x^2 + x + 1. */
function timesX(t: Uint32Array, from: number, to: number): void {
  const v0 = t[from]!;
  const v1 = t[from + 1]!;
  const v2 = t[from + 2]!;
  const v3 = t[from + 3]!;
  const carry = v3 >>> 31;
  t[to + 3] = ((v3 << 1) | (v2 >>> 31)) >>> 0;
  t[to + 2] = ((v2 << 1) | (v1 >>> 31)) >>> 0;
  t[to + 1] = ((v1 << 1) | (v0 >>> 31)) >>> 0;
  t[to] = ((v0 << 1) ^ (carry * 0x87)) >>> 0;
}

/**
 * acc ^= a · b, with a 4-bit window over a: a table of the 16 multiples k·b (built from b with
 * shifts and XORs), then 32 steps of z ← z·x^4 ⊕ table[nibble of a]. Memory accesses are
 * indexed by a's nibbles only — a is the public challenge.
 */
export function mulAcc(a: Uint32Array, b: Uint32Array, acc: Uint32Array): void {
  const t = table;
  t[4] = b[0]!;
  t[5] = b[1]!;
  t[6] = b[2]!;
  t[7] = b[3]!;
  timesX(t, 4, 8);
  timesX(t, 8, 16);
  timesX(t, 16, 32);
  for (let k = 3; k < 16; k++) {
    if ((k & (k - 1)) === 0) continue;
    const high = 1 << (31 - Math.clz32(k));
    const o = 4 * k;
    const h = 4 * high;
    const l = 4 * (k ^ high);
    t[o] = t[h]! ^ t[l]!;
    t[o + 1] = t[h + 1]! ^ t[l + 1]!;
    t[o + 2] = t[h + 2]! ^ t[l + 2]!;
    t[o + 3] = t[h + 3]! ^ t[l + 3]!;
  }
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  for (let w = 3; w >= 0; w--) {
    const word = a[w]!;
    for (let shift = 28; shift >= 0; shift -= 4) {
      // z ← z·x^4: the four bits shifted out of x^127..x^124 fold back as c·(x^7 + x^2 + x + 1).
      const c = z3 >>> 28;
      z3 = ((z3 << 4) | (z2 >>> 28)) >>> 0;
      z2 = ((z2 << 4) | (z1 >>> 28)) >>> 0;
      z1 = ((z1 << 4) | (z0 >>> 28)) >>> 0;
      z0 = ((z0 << 4) ^ (c << 7) ^ (c << 2) ^ (c << 1) ^ c) >>> 0;
      const o = 4 * ((word >>> shift) & 15);
      z0 ^= t[o]!;
      z1 ^= t[o + 1]!;
      z2 ^= t[o + 2]!;
      z3 ^= t[o + 3]!;
    }
  }
  acc[0] = (acc[0]! ^ z0) >>> 0;
  acc[1] = (acc[1]! ^ z1) >>> 0;
  acc[2] = (acc[2]! ^ z2) >>> 0;
  acc[3] = (acc[3]! ^ z3) >>> 0;
}
