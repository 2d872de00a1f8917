// JSON field formats shared by every signed statement: 0x-prefixed lowercase hex for keys,
// signatures, nonces and session ids; decimal strings for amounts (never lossy JS numbers).
import { z } from 'zod';

/** 0x-prefixed lowercase hex of exactly `bytes` bytes. */
export const hexBytes = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`), `expected 0x-prefixed lowercase hex of ${bytes} bytes`);

/** 0x-prefixed lowercase hex of `min`..`max` bytes. */
export const hexRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^0x([0-9a-f]{2})*$/, 'expected 0x-prefixed lowercase hex of whole bytes')
    .refine((s) => (s.length - 2) / 2 >= min && (s.length - 2) / 2 <= max, {
      message: `expected ${min}..${max} bytes`,
    });

/** An Ed25519 public key (32 bytes). */
export const ed25519PublicKey = hexBytes(32);
/** An Ed25519 signature (64 bytes). */
export const ed25519Signature = hexBytes(64);
/** An X25519 public key (32 bytes). */
export const x25519PublicKey = hexBytes(32);
/** A protocol session id: 32 random bytes. */
export const sessionIdHex = hexBytes(32);
/** A statement nonce: 16..64 random bytes. */
export const nonceHex = hexRange(16, 64);

/** Non-negative integer as a decimal string without leading zeros (wei, gas), below 2^256. */
export const decimalString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, 'expected a non-negative decimal integer string')
  .refine((s) => BigInt(s) < 1n << 256n, { message: 'value must be below 2^256' });

/** Unix time in seconds. */
export const unixSeconds = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40);

/** A Shamir party id (the x-coordinate of a share): 1..65535. */
export const partyIdSchema = z.number().int().min(1).max(0xffff);

/** Identifiers (vault ids, node ids, committee ids): short, printable, no whitespace. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'expected an identifier: letters, digits, . _ : -');

export function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError('invalid hex string');
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  let out = '0x';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out as `0x${string}`;
}
