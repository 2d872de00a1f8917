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

const buckets = new Uint32Array(32 * 16 * 4);

/** Little-endian 32-bit word `w` of the 16-byte element at `offset`. */
const word = (bytes: Uint8Array, offset: number): number =>
  (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
  0;

/**
 * Σ_j a_j · b_j over `count` pairs of 16-byte elements (a_j at 16·j of `a`, b_j at 16·j of `b`),
 * as mulAcc summed, but with a bucket method: writing a_j = Σ_p v_{j,p}(x)·x^{4p} over its 32
 * nibbles, Σ_j a_j b_j = Σ_p x^{4p} Σ_{v=1}^{15} v(x)·B_{p,v} with B_{p,v} the XOR of the b_j whose
 * nibble p of a_j is v. Filling the buckets is four XORs per non-zero nibble; the rest is a
 * fixed amount of work. Branches and memory accesses depend on the a_j only (the public
 * challenge); the b_j are only XORed.
 */
export function innerProduct(a: Uint8Array, b: Uint8Array, count: number): Uint32Array {
  const B = buckets;
  B.fill(0);
  for (let j = 0; j < count; j++) {
    const o = 16 * j;
    const b0 = word(b, o);
    const b1 = word(b, o + 4);
    const b2 = word(b, o + 8);
    const b3 = word(b, o + 12);
    for (let w = 0; w < 4; w++) {
      const aw = word(a, o + 4 * w);
      for (let s = 0; s < 8; s++) {
        const v = (aw >>> (4 * s)) & 15;
        if (v === 0) continue;
        const k = (((w << 3) | s) * 16 + v) * 4;
        B[k] = B[k]! ^ b0;
        B[k + 1] = B[k + 1]! ^ b1;
        B[k + 2] = B[k + 2]! ^ b2;
        B[k + 3] = B[k + 3]! ^ b3;
      }
    }
  }
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  const c = new Uint32Array(16); // C_0..C_3, four words each
  for (let p = 31; p >= 0; p--) {
    // z ← z·x^4 (the four bits shifted out fold back as c·(x^7 + x^2 + x + 1)).
    const top = z3 >>> 28;
    z3 = ((z3 << 4) | (z2 >>> 28)) >>> 0;
    z2 = ((z2 << 4) | (z1 >>> 28)) >>> 0;
    z1 = ((z1 << 4) | (z0 >>> 28)) >>> 0;
    z0 = ((z0 << 4) ^ (top << 7) ^ (top << 2) ^ (top << 1) ^ top) >>> 0;
    // Σ_v v(x)·B_{p,v} = Σ_{e<4} x^e·C_e with C_e the XOR of the B_{p,v} whose v has bit e.
    c.fill(0);
    for (let v = 1; v < 16; v++) {
      const k = (p * 16 + v) * 4;
      for (let e = 0; e < 4; e++) {
        if (((v >>> e) & 1) === 0) continue;
        c[4 * e] = c[4 * e]! ^ B[k]!;
        c[4 * e + 1] = c[4 * e + 1]! ^ B[k + 1]!;
        c[4 * e + 2] = c[4 * e + 2]! ^ B[k + 2]!;
        c[4 * e + 3] = c[4 * e + 3]! ^ B[k + 3]!;
      }
    }
    // t = ((C_3·x + C_2)·x + C_1)·x + C_0, reducing after every multiplication by x.
    let t0 = c[12]!;
    let t1 = c[13]!;
    let t2 = c[14]!;
    let t3 = c[15]!;
    for (let e = 2; e >= 0; e--) {
      const carry = t3 >>> 31;
      t3 = ((t3 << 1) | (t2 >>> 31)) ^ c[4 * e + 3]!;
      t2 = ((t2 << 1) | (t1 >>> 31)) ^ c[4 * e + 2]!;
      t1 = ((t1 << 1) | (t0 >>> 31)) ^ c[4 * e + 1]!;
      t0 = (t0 << 1) ^ (carry * 0x87) ^ c[4 * e]!;
    }
    z0 = (z0 ^ t0) >>> 0;
    z1 = (z1 ^ t1) >>> 0;
    z2 = (z2 ^ t2) >>> 0;
    z3 = (z3 ^ t3) >>> 0;
  }
  return Uint32Array.of(z0, z1, z2, z3);
}
