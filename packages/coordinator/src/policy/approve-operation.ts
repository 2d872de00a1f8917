// `cairn approve`: an approver reads what a request really does (intent summary, findings, the
// policy decision), signs an approval (or rejection) statement bound to that very request, intent
// and policy version (docs/policy.md §6), and submits it. The coordinator is not trusted: the
// digests the statement binds are recomputed here from the facts the approver was shown, and
// every signer node verifies the statement again before it signs.
import { readFileSync } from 'node:fs';
import {
  type ApprovalStatement,
  APPROVAL_FORMAT,
  intentDigest,
  parseIntentFacts,
  parsePolicyRequest,
  requestDigest,
  signApprovalEd25519,
} from '@cairn/policy';
import { z } from 'zod';
import type { CoordinatorClient } from '../client.ts';
import { OperatorError } from '../operations/operator-context.ts';

/**
 * A user key file (approver or admin): JSON `{ "userId", "keyId", "secretKey": "<64 hex>" }`,
 * mode 0600 (`approverId` / `adminId` are accepted for `userId`). A bare hex key file also works
 * with the user id and key id given separately.
 */
export const userKeyFileSchema = z
  .strictObject({
    userId: z.string().min(1).max(128).optional(),
    approverId: z.string().min(1).max(128).optional(),
    adminId: z.string().min(1).max(128).optional(),
    keyId: z.string().min(1).max(128),
    secretKey: z.string().regex(/^(0x)?[0-9a-f]{64}$/),
  })
  .refine((k) => (k.userId ?? k.approverId ?? k.adminId) !== undefined, 'userId is required');

export interface UserKey {
  userId: string;
  keyId: string;
  secretKey: Uint8Array;
}

/** Reads a user's signing key (never printed or logged). */
export function readUserKey(path: string, ids: { userId?: string; keyId?: string } = {}): UserKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw new OperatorError('NOT_FOUND', `key file ${path} not found`);
  }
  const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new OperatorError('INVALID_INPUT', `${path} is not valid JSON`);
    }
    const r = userKeyFileSchema.safeParse(json);
    if (!r.success)
      throw new OperatorError('INVALID_INPUT', `${path}: expected { userId, keyId, secretKey (64 hex) }`);
    const userId = (r.data.userId ?? r.data.approverId ?? r.data.adminId)!;
    return { userId, keyId: r.data.keyId, secretKey: hex(r.data.secretKey) };
  }
  if (!/^(0x)?[0-9a-f]{64}$/.test(text))
    throw new OperatorError('INVALID_INPUT', `${path} holds neither a user key file nor a hex key`);
  if (!ids.userId || !ids.keyId)
    throw new OperatorError('USAGE', `${path} is a bare hex key: also pass the user id and the key id`);
  return { userId: ids.userId, keyId: ids.keyId, secretKey: hex(text) };
}

/** The policy part of GET /v1/requests/{id} the approver needs. */
export const approvalContextSchema = z.object({
  requestId: z.string(),
  state: z.string(),
  intent: z
    .object({
      summary: z.string().nullable(),
      riskLevel: z.string(),
      simulated: z.boolean(),
      findings: z.array(z.object({ ruleId: z.string(), severity: z.string(), message: z.string() })),
    })
    .nullable(),
  policy: z
    .object({
      request: z.unknown(),
      intentFacts: z.unknown(),
      decision: z.object({
        outcome: z.string(),
        explanation: z.string(),
        approvals: z.object({ expiresAt: z.number() }).nullable(),
      }),
      binding: z.object({
        requestId: z.string(),
        requestDigest: z.string(),
        intentDigest: z.string(),
        policyHash: z.string(),
      }),
    })
    .nullable(),
});
export type ApprovalContext = z.infer<typeof approvalContextSchema>;

export interface ApproveOptions {
  api: CoordinatorClient;
  requestId: string;
  key: UserKey;
  verdict: 'approve' | 'reject';
  /** How long the statement stays valid (default 1 hour, capped at the approval deadline). */
  ttlSeconds?: number;
  now?: number;
}

export interface ApproveResult {
  context: ApprovalContext;
  statement: ApprovalStatement;
  /** The request as the coordinator shows it after the approval. */
  response: unknown;
}

/** Checks the binding the coordinator shows against the facts it shows (nothing is taken on trust). */
export function checkedBinding(ctx: ApprovalContext): NonNullable<ApprovalContext['policy']>['binding'] {
  const p = ctx.policy;
  if (!p) throw new OperatorError('REFUSED', `request ${ctx.requestId} has no policy decision to approve`);
  if (p.decision.outcome !== 'require_approvals') {
    throw new OperatorError(
      'REFUSED',
      `request ${ctx.requestId} was decided ${p.decision.outcome}; it takes no approvals`,
    );
  }
  let rd: string;
  let id: string;
  try {
    rd = requestDigest(parsePolicyRequest(p.request));
    id = intentDigest(parseIntentFacts(p.intentFacts));
  } catch (error) {
    throw new OperatorError(
      'FAILED',
      `the coordinator sent unreadable request facts: ${(error as Error).message}`,
    );
  }
  const b = p.binding;
  if (b.requestId !== ctx.requestId || b.requestDigest !== rd || b.intentDigest !== id) {
    throw new OperatorError(
      'REFUSED',
      'the digests the coordinator asks to approve do not match the request facts it shows: not signing',
    );
  }
  return b;
}

export async function approveOperation(o: ApproveOptions): Promise<ApproveResult> {
  const { body } = await o.api.call<unknown>('GET', `/v1/requests/${encodeURIComponent(o.requestId)}`);
  const parsed = approvalContextSchema.safeParse(body);
  if (!parsed.success)
    throw new OperatorError('FAILED', 'the coordinator answered without the request policy view');
  const context = parsed.data;
  const binding = checkedBinding(context);
  const now = o.now ?? Date.now();
  const deadline = context.policy!.decision.approvals?.expiresAt ?? now + 3_600_000;
  const statement: ApprovalStatement = {
    format: APPROVAL_FORMAT,
    requestId: binding.requestId,
    requestDigest: binding.requestDigest,
    intentDigest: binding.intentDigest,
    policyHash: binding.policyHash,
    decision: o.verdict,
    approverId: o.key.userId,
    keyId: o.key.keyId,
    at: now,
    expiresAt: Math.min(now + (o.ttlSeconds ?? 3600) * 1000, deadline),
  };
  const signed = signApprovalEd25519(statement, o.key.secretKey);
  const response = await o.api.call<unknown>(
    'POST',
    `/v1/requests/${encodeURIComponent(o.requestId)}/approvals`,
    signed,
  );
  return { context, statement, response: response.body };
}
