// Signatures on statements (approvals, governance changes): Ed25519 API keys over the 32-byte
// statement digest, or WebAuthn assertions whose challenge is that digest (webauthn.ts).
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { ApproverKey } from './state.ts';
import { fromBase64url, hexToBytesSafe, webAuthnProblem } from './webauthn.ts';

const B64U = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding')
  .max(16_384);

export const StatementSignature = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('ed25519'),
    signature: z.string().regex(/^[0-9a-f]{128}$/, '64-byte hex'),
  }),
  z.strictObject({
    type: z.literal('webauthn'),
    authenticatorData: B64U,
    clientDataJSON: B64U,
    signature: B64U,
  }),
]);
export type StatementSignature = z.infer<typeof StatementSignature>;

/** Signs a statement digest with an Ed25519 secret key (32 bytes). The key never leaves memory. */
export function signEd25519(digest: Uint8Array, secretKey: Uint8Array): StatementSignature {
  return { type: 'ed25519', signature: bytesToHex(ed25519.sign(digest, secretKey)) };
}

/** Returns null when `signature` is a valid signature of `digest` by `key`, else the reason. */
export function signatureProblem(
  digest: Uint8Array,
  signature: StatementSignature,
  key: ApproverKey,
): string | null {
  if (signature.type === 'ed25519') {
    if (key.type !== 'ed25519') return `key ${key.id} is a ${key.type} key, the signature is ed25519`;
    const pub = hexToBytesSafe(key.publicKey);
    const sig = hexToBytesSafe(signature.signature);
    if (!pub || !sig) return 'malformed hex';
    try {
      return ed25519.verify(sig, digest, pub, { zip215: false })
        ? null
        : 'the Ed25519 signature does not verify';
    } catch {
      return 'the Ed25519 signature or public key is malformed';
    }
  }
  if (key.type !== 'webauthn')
    return `key ${key.id} is an ${key.type} key, the signature is a WebAuthn assertion`;
  const authenticatorData = fromBase64url(signature.authenticatorData);
  const clientDataJSON = fromBase64url(signature.clientDataJSON);
  const sig = fromBase64url(signature.signature);
  if (!authenticatorData || !clientDataJSON || !sig) return 'malformed base64url';
  const problem = webAuthnProblem({
    key,
    challenge: digest,
    authenticatorData,
    clientDataJSON,
    signature: sig,
  });
  return problem === null ? null : `WebAuthn assertion rejected: ${problem}`;
}
