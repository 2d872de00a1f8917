// Digests of canonical statements: SHA-256 of the domain-separated canonical bytes, as
// 0x-prefixed lowercase hex. Used to reference requests, intent reports, policies and entries.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { signingBytes } from './canonical-json.ts';

export function digestOf(domain: string, value: unknown): `0x${string}` {
  return `0x${bytesToHex(sha256(signingBytes(domain, value)))}`;
}
