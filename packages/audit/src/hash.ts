// RFC 9162 §2.1: the Merkle tree hashes with domain separation between leaves and interior
// nodes (0x00 / 0x01 prefixes), so a leaf can never be passed off as an interior node (the
// second-preimage attack on unprefixed Merkle trees).
//
// SHA-256 here is Node's built-in (OpenSSL, hardware-accelerated) rather than @noble/hashes:
// the log hashes every entry byte on append and again on every verification of a
// million-entry export, where the native one-shot is 3-5x faster. Both are standard SHA-256;
// the tests cross-check roots against an independent implementation and the CT vectors.
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

function sha256(data: Uint8Array): Uint8Array {
  const out = hash('sha256', data, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** MTH({d}) = SHA-256(0x00 || d) — RFC 9162 §2.1.1. */
export function leafHash(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + data.length);
  buf[0] = 0x00;
  buf.set(data, 1);
  return sha256(buf);
}

/** MTH({d}) for d given as a string, hashed as its UTF-8 bytes (U+0000 encodes as 0x00). */
export function leafHashOfText(text: string): Uint8Array {
  const out = hash('sha256', `\u0000${text}`, 'buffer');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
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
