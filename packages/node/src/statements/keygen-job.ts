// An admin-signed keygen job (domain `cairn/keygen-job/v1`): creates a vault's key by DKG among
// `parties` and names the initiators allowed to request signatures from it until the policy
// layer lands. Nodes check the admin quorum against their own configured trust anchor.
import { SCHEME_IDS } from '@cairn/mpc';
import { z } from 'zod';
import {
  type AdminTrust,
  adminSign,
  type adminSignaturesSchema,
  adminSignedSchema,
  verifyAdminQuorum,
} from './admin-quorum.ts';
import {
  ed25519PublicKey,
  identifier,
  nonceHex,
  partyIdSchema,
  sessionIdHex,
  unixSeconds,
} from './encoding.ts';
import { parseWith } from './sign-request.ts';

export const KEYGEN_JOB_DOMAIN = 'cairn/keygen-job/v1';

export const initiatorSchema = z.strictObject({
  id: z.string().min(1).max(128),
  publicKey: ed25519PublicKey,
});
export type Initiator = z.infer<typeof initiatorSchema>;

export const keygenJobBodySchema = z
  .strictObject({
    vaultId: identifier,
    name: z.string().min(1).max(128),
    scheme: z.enum(SCHEME_IDS as readonly [string, ...string[]]),
    threshold: z.number().int().min(2).max(0xffff),
    parties: z.array(partyIdSchema).min(2).max(256),
    sessionId: sessionIdHex,
    initiators: z.array(initiatorSchema).min(1).max(256),
    nonce: nonceHex,
    expiresAt: unixSeconds,
  })
  .superRefine((job, ctx) => {
    if (new Set(job.parties).size !== job.parties.length)
      ctx.addIssue({ code: 'custom', message: 'parties must be distinct', path: ['parties'] });
    if (job.threshold > job.parties.length)
      ctx.addIssue({
        code: 'custom',
        message: 'threshold exceeds the number of parties',
        path: ['threshold'],
      });
  });
export type KeygenJobBody = z.infer<typeof keygenJobBodySchema>;

export const keygenJobSchema = adminSignedSchema(keygenJobBodySchema);
export type KeygenJob = KeygenJobBody & { signatures: z.infer<typeof adminSignaturesSchema> };

/** The signed part of a keygen job (everything but `signatures`). */
export function keygenJobBody(job: KeygenJob): KeygenJobBody {
  const { signatures: _signatures, ...body } = job;
  return body;
}

/** Signs a keygen job body with each admin secret key. */
export function signKeygenJob(body: KeygenJobBody, adminSecretKeys: readonly Uint8Array[]): KeygenJob {
  const parsed = parseWith(keygenJobBodySchema, body, 'keygen job');
  return { ...parsed, signatures: adminSecretKeys.map((k) => adminSign(KEYGEN_JOB_DOMAIN, parsed, k)) };
}

export function parseKeygenJob(input: unknown): KeygenJob {
  return parseWith(keygenJobSchema, input, 'keygen job') as KeygenJob;
}

/** Throws StatementError unless an admin quorum signed the job. */
export function verifyKeygenJob(job: KeygenJob, trust: AdminTrust): void {
  verifyAdminQuorum(KEYGEN_JOB_DOMAIN, keygenJobBody(job), job.signatures, trust, 'keygen job');
}
