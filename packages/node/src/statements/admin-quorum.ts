// Statements that need an admin quorum (committee membership, keygen jobs): a list of Ed25519
// signatures by admin keys over the statement without its `signatures` field. The trust anchor
// (admin keys and quorum) comes from the node's own configuration, never from the statement.
import { z } from 'zod';
import { ed25519PublicKey, ed25519Signature } from './encoding.ts';
import { StatementError } from './errors.ts';
import { type Hex, publicKeyOf, signStatement, verifyStatement } from './signature.ts';

export const adminSignatureSchema = z.strictObject({
  publicKey: ed25519PublicKey,
  signature: ed25519Signature,
});
export type AdminSignature = z.infer<typeof adminSignatureSchema>;

export const adminSignaturesSchema = z.array(adminSignatureSchema).max(64);

/**
 * An admin-signed statement: its `signatures` beside the fields of the body the admins signed,
 * which must parse with `bodySchema` (its issues are reported as they are).
 */
export function adminSignedSchema<Body extends object>(bodySchema: z.ZodType<Body>) {
  return z.looseObject({ signatures: adminSignaturesSchema }).transform((raw, ctx) => {
    const { signatures, ...body } = raw;
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
      return z.NEVER;
    }
    return { ...parsed.data, signatures };
  });
}

/** The admin trust anchor from a node's configuration. */
export interface AdminTrust {
  keys: readonly string[];
  quorum: number;
}

/** Adds one admin's signature over `body` (the statement without `signatures`). */
export function adminSign(domain: string, body: unknown, secretKey: Uint8Array): AdminSignature {
  return { publicKey: publicKeyOf(secretKey), signature: signStatement(domain, body, secretKey) };
}

/**
 * Checks that at least `quorum` distinct configured admins signed `body`. A signature that claims
 * a configured admin key but does not verify is a forgery or tampering: the whole statement is
 * refused (BAD_SIGNATURE). Signatures by unknown keys are ignored (they count for nothing).
 * Returns the admin keys that signed.
 */
export function verifyAdminQuorum(
  domain: string,
  body: unknown,
  signatures: readonly AdminSignature[],
  trust: AdminTrust,
  what: string,
): Hex[] {
  const known = new Set(trust.keys.map((k) => k.toLowerCase()));
  const signed = new Set<string>();
  for (const s of signatures) {
    const key = s.publicKey.toLowerCase();
    if (!known.has(key)) continue;
    if (!verifyStatement(domain, body, key, s.signature)) {
      throw new StatementError('BAD_SIGNATURE', `${what}: signature by admin ${key} does not verify`);
    }
    signed.add(key);
  }
  if (signed.size < trust.quorum) {
    throw new StatementError(
      'INSUFFICIENT_SIGNATURES',
      `${what}: ${signed.size} valid admin signature(s), the admin quorum is ${trust.quorum}`,
    );
  }
  return [...signed] as Hex[];
}
