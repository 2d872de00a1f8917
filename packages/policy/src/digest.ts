// Domain-separated digests of canonical JSON values. The domain tag (e.g. `cairn.approval/v1`)
// is hashed in front of the canonical bytes so that a digest of one kind of statement can never
// be presented as a digest of another kind.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical-json.ts';

/** sha256(len(domain) ‖ domain ‖ canonicalJson(value)) as bytes. */
export function digestBytes(domain: string, value: unknown): Uint8Array {
  const tag = utf8ToBytes(domain);
  const body = utf8ToBytes(canonicalJson(value));
  const buf = new Uint8Array(4 + tag.length + body.length);
  new DataView(buf.buffer).setUint32(0, tag.length);
  buf.set(tag, 4);
  buf.set(body, 4 + tag.length);
  return sha256(buf);
}

/** The same digest as lowercase hex (64 characters). */
export function digestHex(domain: string, value: unknown): string {
  return bytesToHex(digestBytes(domain, value));
}

export const HEX64 = /^[0-9a-f]{64}$/;
