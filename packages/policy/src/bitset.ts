// Fixed-size bitsets over rule indexes (Uint32Array words), for the evaluator's rule index.

export type Bitset = Uint32Array;

export function emptySet(words: number): Bitset {
  return new Uint32Array(words);
}

export function fullSet(size: number): Bitset {
  const words = Math.ceil(size / 32);
  const s = new Uint32Array(words).fill(0xffffffff);
  const rest = size % 32;
  if (words > 0 && rest !== 0) s[words - 1] = (1 << rest) - 1;
  return s;
}

export function setBit(s: Bitset, i: number): void {
  s[i >>> 5]! |= 1 << (i & 31);
}

export function hasBit(s: Bitset, i: number): boolean {
  return (s[i >>> 5]! & (1 << (i & 31))) !== 0;
}

export function clearBit(s: Bitset, i: number): void {
  s[i >>> 5]! &= ~(1 << (i & 31));
}

/** a |= b */
export function orInto(a: Bitset, b: Bitset): void {
  for (let w = 0; w < a.length; w++) a[w]! |= b[w]!;
}

/** a &= b */
export function andInto(a: Bitset, b: Bitset): void {
  for (let w = 0; w < a.length; w++) a[w]! &= b[w]!;
}

/** a &= ~b */
export function andNotInto(a: Bitset, b: Bitset): void {
  for (let w = 0; w < a.length; w++) a[w]! &= ~b[w]!;
}

/** The smallest set bit >= from, or -1. */
export function nextBit(s: Bitset, from: number): number {
  let w = from >>> 5;
  if (w >= s.length) return -1;
  let bits = s[w]! & (0xffffffff << (from & 31));
  for (;;) {
    if (bits !== 0) return (w << 5) + (31 - Math.clz32(bits & -bits));
    if (++w >= s.length) return -1;
    bits = s[w]!;
  }
}
