// Approval statements (§6): signed by an approver over {request id and digest, intent digest,
// policy hash, approve|reject, approver id, key id, time, expiry}. Binding every one of these
// is what makes an approval impossible to replay onto another request, another simulation
// result or another policy version.
import { z } from 'zod';
import { digestBytes, HEX64 } from './digest.ts';
import { Id } from './document.ts';
import { formatIssues } from './errors.ts';
import { signatureProblem, signEd25519, StatementSignature } from './signature.ts';
import type { PolicyContext } from './state.ts';

export const APPROVAL_FORMAT = 'cairn.approval/v1';

export const ApprovalStatement = z.strictObject({
  format: z.literal(APPROVAL_FORMAT),
  requestId: z.string().min(1).max(200),
  requestDigest: z.string().regex(HEX64),
  intentDigest: z.string().regex(HEX64),
  policyHash: z.string().regex(HEX64),
  decision: z.enum(['approve', 'reject']),
  approverId: Id,
  keyId: Id,
  /** When the approver signed (ms since epoch). */
  at: z.int().min(0),
  /** The statement is worthless after this instant (ms). */
  expiresAt: z.int().min(0),
});
export type ApprovalStatement = z.infer<typeof ApprovalStatement>;

export const SignedApproval = z.strictObject({ statement: ApprovalStatement, signature: StatementSignature });
export type SignedApproval = z.infer<typeof SignedApproval>;

/** The 32 bytes an approver signs (and the WebAuthn challenge). */
export function approvalDigest(statement: ApprovalStatement): Uint8Array {
  return digestBytes(APPROVAL_FORMAT, statement);
}

/** What an approval must be bound to: the sign job's own request, intent and policy. */
export interface ApprovalBinding {
  requestId: string;
  requestDigest: string;
  intentDigest: string;
  policyHash: string;
}

export type ApprovalProblemCode =
  | 'MALFORMED_APPROVAL'
  | 'APPROVAL_MISMATCH'
  | 'UNKNOWN_APPROVER'
  | 'NOT_AN_APPROVER'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_NOT_YET_VALID';

export type VerifiedApproval =
  | { ok: true; statement: ApprovalStatement }
  | { ok: false; code: ApprovalProblemCode; message: string };

export interface VerifyApprovalParameters {
  /** Untrusted: validated here. */
  approval: unknown;
  binding: ApprovalBinding;
  /** The users (and their keys) of the governed state the decision was made under. */
  context: Pick<PolicyContext, 'users'>;
  now: number;
}

/** Verifies one approval: shape, binding (anti-replay), approver role and key, signature, time. */
export function verifyApproval(p: VerifyApprovalParameters): VerifiedApproval {
  const parsed = SignedApproval.safeParse(p.approval);
  if (!parsed.success) {
    return { ok: false, code: 'MALFORMED_APPROVAL', message: formatIssues(parsed.error.issues).join('; ') };
  }
  const { statement: s, signature } = parsed.data;
  const b = p.binding;
  for (const field of ['requestId', 'requestDigest', 'intentDigest', 'policyHash'] as const) {
    if (s[field] !== b[field]) {
      return {
        ok: false,
        code: 'APPROVAL_MISMATCH',
        message: `approval by ${s.approverId} is bound to another ${field} (replayed or stale approval)`,
      };
    }
  }
  const user = p.context.users.find((u) => u.id === s.approverId);
  if (!user) return { ok: false, code: 'UNKNOWN_APPROVER', message: `unknown approver ${s.approverId}` };
  if (!user.roles.includes('approver')) {
    return { ok: false, code: 'NOT_AN_APPROVER', message: `${s.approverId} does not hold the approver role` };
  }
  const key = user.keys.find((k) => k.id === s.keyId);
  if (!key) return { ok: false, code: 'UNKNOWN_KEY', message: `${s.approverId} has no key ${s.keyId}` };
  const problem = signatureProblem(approvalDigest(s), signature, key);
  if (problem)
    return { ok: false, code: 'BAD_SIGNATURE', message: `approval by ${s.approverId}: ${problem}` };
  if (s.at > p.now) {
    return {
      ok: false,
      code: 'APPROVAL_NOT_YET_VALID',
      message: `approval by ${s.approverId} is dated in the future`,
    };
  }
  if (s.expiresAt < p.now || s.expiresAt < s.at) {
    return { ok: false, code: 'APPROVAL_EXPIRED', message: `approval by ${s.approverId} expired` };
  }
  return { ok: true, statement: s };
}

/** Signs an approval statement with an Ed25519 API key (32-byte secret key). */
export function signApprovalEd25519(statement: ApprovalStatement, secretKey: Uint8Array): SignedApproval {
  return { statement, signature: signEd25519(approvalDigest(statement), secretKey) };
}
