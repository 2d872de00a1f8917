// The committee document (domain `cairn/committee/v1`): which nodes exist, their party ids,
// identity and encryption keys, and addresses. Signed by an admin quorum; a node refuses an
// unsigned or insufficiently signed one and refuses every job until it has a valid committee.
import { z } from 'zod';
import {
  type AdminTrust,
  adminSign,
  type adminSignaturesSchema,
  adminSignedSchema,
  verifyAdminQuorum,
} from './admin-quorum.ts';
import { ed25519PublicKey, identifier, partyIdSchema, x25519PublicKey } from './encoding.ts';
import { parseWith } from './sign-request.ts';

export const COMMITTEE_DOMAIN = 'cairn/committee/v1';

export const committeeMemberSchema = z.strictObject({
  nodeId: identifier,
  partyId: partyIdSchema,
  /** Ed25519 identity key (signs transport envelopes). */
  signingKey: ed25519PublicKey,
  /** X25519 key that transport envelopes are encrypted to. */
  encryptionKey: x25519PublicKey,
  /** Base URL of the node's HTTP API (direct carrier), e.g. http://127.0.0.1:4101. */
  url: z.url(),
});
export type CommitteeMember = z.infer<typeof committeeMemberSchema>;

export const committeeBodySchema = z
  .strictObject({
    committeeId: identifier,
    version: z.number().int().min(1).max(0xffffffff),
    members: z.array(committeeMemberSchema).min(1).max(256),
  })
  .superRefine((c, ctx) => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    if (!unique(c.members.map((m) => m.nodeId)))
      ctx.addIssue({ code: 'custom', message: 'node ids must be distinct', path: ['members'] });
    if (!unique(c.members.map((m) => m.partyId)))
      ctx.addIssue({ code: 'custom', message: 'party ids must be distinct', path: ['members'] });
    if (!unique(c.members.map((m) => m.signingKey)))
      ctx.addIssue({ code: 'custom', message: 'signing keys must be distinct', path: ['members'] });
  });
export type CommitteeBody = z.infer<typeof committeeBodySchema>;

export const committeeSchema = adminSignedSchema(committeeBodySchema);
export type Committee = CommitteeBody & { signatures: z.infer<typeof adminSignaturesSchema> };

export function committeeBody(committee: Committee): CommitteeBody {
  const { signatures: _signatures, ...body } = committee;
  return body;
}

/** Signs a committee body with each admin secret key. */
export function signCommittee(body: CommitteeBody, adminSecretKeys: readonly Uint8Array[]): Committee {
  const parsed = parseWith(committeeBodySchema, body, 'committee');
  return { ...parsed, signatures: adminSecretKeys.map((k) => adminSign(COMMITTEE_DOMAIN, parsed, k)) };
}

export function parseCommittee(input: unknown): Committee {
  return parseWith(committeeSchema, input, 'committee') as Committee;
}

/** Throws StatementError unless an admin quorum signed the committee. */
export function verifyCommittee(committee: Committee, trust: AdminTrust): void {
  verifyAdminQuorum(COMMITTEE_DOMAIN, committeeBody(committee), committee.signatures, trust, 'committee');
}
