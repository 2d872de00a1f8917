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

/** acc ^= a · b (a is the public challenge: the loop branches on its bits). */
export function mulAcc(a: Uint32Array, b: Uint32Array, acc: Uint32Array): void {
  let v0 = b[0]!;
  let v1 = b[1]!;
  let v2 = b[2]!;
  let v3 = b[3]!;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  for (let w = 0; w < 4; w++) {
    let word = a[w]!;
    for (let i = 0; i < 32; i++) {
      if (word & 1) {
        z0 ^= v0;
        z1 ^= v1;
        z2 ^= v2;
        z3 ^= v3;
      }
      word >>>= 1;
      // v ← v·x mod (x^128 + x^7 + x^2 + x + 1)
      const carry = v3 >>> 31;
      v3 = ((v3 << 1) | (v2 >>> 31)) >>> 0;
      v2 = ((v2 << 1) | (v1 >>> 31)) >>> 0;
      v1 = ((v1 << 1) | (v0 >>> 31)) >>> 0;
      v0 = ((v0 << 1) ^ (carry * 0x87)) >>> 0;
    }
  }
  acc[0] = (acc[0]! ^ z0) >>> 0;
  acc[1] = (acc[1]! ^ z1) >>> 0;
  acc[2] = (acc[2]! ^ z2) >>> 0;
  acc[3] = (acc[3]! ^ z3) >>> 0;
}
