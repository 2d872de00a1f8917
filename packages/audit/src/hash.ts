// RFC 9162 §2.1: the Merkle tree hashes with domain separation between leaves and interior
// nodes (0x00 / 0x01 prefixes), so a leaf can never be passed off as an interior node (the
// second-preimage attack on unprefixed Merkle trees).
import { sha256 } from '@noble/hashes/sha2.js';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);

/** MTH({d}) = SHA-256(0x00 || d) — RFC 9162 §2.1.1. */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 || left || right) — RFC 9162 §2.1.1. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return sha256(buf);
}

/** MTH({}) = SHA-256() — RFC 9162 §2.1.1: the hash of an empty tree. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

export function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

/** Strict lowercase hex of an exact byte length; returns null on anything else. */
export function fromHex(hex: string, length?: number): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  if (length !== undefined && hex.length !== length * 2) return null;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
