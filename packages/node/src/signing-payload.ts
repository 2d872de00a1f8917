// The bytes a threshold scheme signs for a request, recomputed from the initiator-signed request
// (docs/signing-path.md, step 6 "recompute-payload"). EVM kinds get their 32-byte hash from
// `evmSigningPayload` (@cairn/chains); an `ed25519.message` request is signed as is: its payload
// IS the message bytes (Ed25519 hashes the message itself, RFC 8032).
import { evmSigningPayload, SigningPayloadError } from '@cairn/chains';
import { hexToBytes } from './statements/encoding.ts';
import type { SignRequestBody } from './statements/sign-request.ts';

/** The payload to sign for `body`. Throws SigningPayloadError (PAYLOAD_UNCOMPUTABLE) when it cannot be computed. */
export function requestSigningPayload(body: SignRequestBody): Uint8Array {
  if (body.kind === 'ed25519.message') {
    if (body.message === undefined) throw new SigningPayloadError('ed25519.message request without message');
    return hexToBytes(body.message);
  }
  return evmSigningPayload(body);
}
