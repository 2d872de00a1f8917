// Test helper: WebAuthn assertions built exactly as a browser authenticator would, with real
// P-256 (ES256) and Ed25519 (EdDSA) passkey keys.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type ApprovalStatement,
  approvalDigest,
  base64url,
  type SignedApproval,
  type User,
} from '../src/index.ts';

const RP = 'console.cairn.example';
const ORIGIN = 'https://console.cairn.example';
const p256Secret = sha256(utf8ToBytes('passkey-p256'));
const edSecret = sha256(utf8ToBytes('passkey-ed25519'));

export function passkeyUser(alg: 'ES256' | 'EdDSA', extra: Record<string, unknown> = {}, id = 'pat'): User {
  const publicKey =
    alg === 'ES256'
      ? bytesToHex(p256.getPublicKey(p256Secret, false))
      : bytesToHex(ed25519.getPublicKey(edSecret));
  return {
    id,
    roles: ['approver'],
    keys: [{ id: `${id}-passkey`, type: 'webauthn', alg, publicKey, rpId: RP, origins: [ORIGIN], ...extra }],
  };
}

export interface AssertionOptions {
  alg?: 'ES256' | 'EdDSA';
  type?: string;
  challenge?: Uint8Array;
  origin?: string;
  rpId?: string;
  flags?: number;
  crossOrigin?: boolean;
  highS?: boolean;
  mutateSignature?: boolean;
}

export function webauthnApproval(statement: ApprovalStatement, o: AssertionOptions = {}): SignedApproval {
  const alg = o.alg ?? 'ES256';
  const clientData = {
    type: o.type ?? 'webauthn.get',
    challenge: base64url(o.challenge ?? approvalDigest(statement)),
    origin: o.origin ?? ORIGIN,
    crossOrigin: o.crossOrigin ?? false,
  };
  const clientDataJSON = utf8ToBytes(JSON.stringify(clientData));
  const authData = new Uint8Array(37);
  authData.set(sha256(utf8ToBytes(o.rpId ?? RP)), 0);
  authData[32] = o.flags ?? 0x05; // UP | UV
  authData.set([0, 0, 0, 7], 33); // signCount
  const signed = new Uint8Array([...authData, ...sha256(clientDataJSON)]);
  let sig: Uint8Array;
  if (alg === 'ES256') {
    const compact = p256.sign(signed, p256Secret, { prehash: true, lowS: true });
    let s = p256.Signature.fromBytes(compact);
    if (o.highS) s = new p256.Signature(s.r, p256.Point.Fn.neg(s.s));
    sig = s.toBytes('der');
  } else {
    sig = ed25519.sign(signed, edSecret);
  }
  if (o.mutateSignature) sig[sig.length - 1]! ^= 1;
  return {
    statement,
    signature: {
      type: 'webauthn',
      authenticatorData: base64url(authData),
      clientDataJSON: base64url(clientDataJSON),
      signature: base64url(sig),
    },
  };
}
