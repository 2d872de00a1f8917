// Response bodies of the signer node's HTTP API (docs/signing-path.md), so the coordinator can
// validate what nodes return with the same schemas the node uses to produce it.
import { z } from 'zod';

const hex = z.string().regex(/^0x([0-9a-f]{2})*$/);

export const keygenResponseSchema = z.strictObject({
  vaultId: z.string(),
  keyId: z.string(),
  scheme: z.string(),
  publicKey: hex,
  /** BIP-32 chain code where the scheme supports derivation (child public keys need it). */
  chainCode: hex.optional(),
  /** EVM address (checksummed) for secp256k1 keys. */
  address: z.string().optional(),
});
export type KeygenResponse = z.infer<typeof keygenResponseSchema>;

export const signResponseSchema = z.strictObject({
  requestId: z.string(),
  /** ECDSA: r, s (0x-hex 32 bytes) and yParity; Schnorr: the signature bytes. */
  signature: z.union([
    z.strictObject({ r: hexOf(32), s: hexOf(32), yParity: z.union([z.literal(0), z.literal(1)]) }),
    z.strictObject({ bytes: hex }),
  ]),
  /** The (derived) public key the signature verifies under. */
  publicKey: hex,
  /** The payload that was signed, as recomputed by the node (hex). */
  payload: hex,
});
export type SignResponse = z.infer<typeof signResponseSchema>;

export const errorResponseSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string() }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export const healthResponseSchema = z.strictObject({
  nodeId: z.string(),
  partyId: z.number().int(),
  signingKey: hex,
  encryptionKey: hex,
  committee: z.strictObject({ id: z.string(), version: z.number().int() }).nullable(),
  status: z.enum(['ok', 'no-committee', 'degraded']),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

function hexOf(bytes: number) {
  return z.string().regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`));
}
