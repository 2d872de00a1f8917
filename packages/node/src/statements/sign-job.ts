// What the coordinator sends each chosen signer node: the initiator's signed request, the
// protocol session id, and the signer set. Optional fields are checked by later pipeline steps
// (intent report, policy decision, approvals, policy hash); the node never trusts them blindly.
import { z } from 'zod';
import { hexBytes, partyIdSchema, sessionIdHex } from './encoding.ts';
import { parseWith, signedRequestSchema } from './sign-request.ts';

export const signJobSchema = z
  .strictObject({
    sessionId: sessionIdHex,
    signers: z.array(partyIdSchema).min(2).max(256),
    request: signedRequestSchema,
    intent: z.unknown().optional(),
    decision: z.unknown().optional(),
    approvals: z.array(z.unknown()).optional(),
    policyHash: hexBytes(32).optional(),
    /**
     * The signing payload the coordinator computed (0x-hex), for cross-checking only: nodes
     * recompute the payload from the signed request and refuse (PAYLOAD_MISMATCH) when this
     * differs. A node never signs this value as given.
     */
    payload: z
      .string()
      .regex(/^0x([0-9a-f]{2}){1,1024}$/)
      .optional(),
  })
  .superRefine((job, ctx) => {
    if (new Set(job.signers).size !== job.signers.length)
      ctx.addIssue({ code: 'custom', message: 'signers must be distinct', path: ['signers'] });
  });
export type SignJob = z.infer<typeof signJobSchema>;

export function parseSignJob(input: unknown): SignJob {
  return parseWith(signJobSchema, input, 'sign job');
}
