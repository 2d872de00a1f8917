// The API of intent, policy, approvals and audit (docs/coordinator-wiring.md):
//   POST /v1/requests/{id}/approvals   an approver-signed approval or rejection statement
//   GET  /v1/policy                    the head of the governed state history
//   POST /v1/policy/changes            an admin-signed governance change, forwarded to every node
//   GET  /v1/audit/export              the audit log export (JSONL), verifiable offline
//   GET  /v1/audit/keys                the verifier's keys file (log key + node witness keys)
//   GET  /v1/intent/coverage           how many requests were actually simulated
// and the `intent` / `policy` sections of GET /v1/requests/{id}.
import { PolicyError, SignedApproval, SignedChange } from '@cairn/policy';
import type { Hono } from 'hono';
import type { z } from 'zod';
import type { RequestAuditor } from '../audit/request-auditor.ts';
import { CoordinatorError, type CoordinatorErrorCode } from '../errors.ts';
import { ApprovalRefusedError } from '../policy/coordinator-policy.ts';
import { type ForwardChange, httpForwardChange, submitGovernanceChange } from '../policy/governance.ts';
import type { PreSignGate } from '../policy/pre-sign-gate.ts';
import type { RequestStore } from '../store/request-store.ts';
import type { RouteDoc } from './openapi.ts';
import { errorSchema } from './schemas.ts';
import {
  changeResultSchema,
  coverageSchema,
  type intentViewSchema,
  type policyViewSchema,
  policyHeadViewSchema,
} from './wiring-schemas.ts';

export interface WiringContext {
  gate: PreSignGate | null;
  auditor: RequestAuditor | null;
  requests: RequestStore;
  nodes: readonly { nodeId: string; partyId: number; url: string }[];
  /** Starts (or joins) the lifecycle of a request. */
  process(requestId: string): void;
  /** Sends a governance change to a node (default: its HTTP API). */
  forwardChange?: ForwardChange;
  /** The witness verifier keys of the nodes (for the keys file). */
  witnessKeys?: () => Promise<string[]>;
}

/** The `intent` and `policy` sections of a request view. */
export function wiringView(
  gate: PreSignGate | null,
  requestId: string,
): { intent: z.infer<typeof intentViewSchema>; policy: z.infer<typeof policyViewSchema> } {
  const i = gate?.intent?.store.get(requestId) ?? null;
  const intent = i
    ? {
        simulated: i.simulated,
        status: i.status,
        errorCode: i.errorCode,
        riskLevel: i.facts.riskLevel,
        summary: i.report?.summary ?? null,
        findings: (i.report?.findings ?? []).map((f) => ({
          ruleId: f.ruleId,
          severity: f.severity,
          message: f.message,
        })),
        digest: i.digest,
        report: i.report,
      }
    : null;
  const policy = gate?.policy ?? null;
  const d = policy?.store.decision(requestId) ?? null;
  const view =
    policy && d
      ? {
          policyHash: d.policyHash,
          request: d.policyRequest,
          intentFacts: d.intentFacts,
          decision: d.decision,
          binding: policy.binding(d),
          quorum: policy.quorum(requestId, Date.now()),
          approvals: policy.store
            .approvals(requestId)
            .map((a) => ({ approverId: a.approverId, verdict: a.verdict, at: a.signed.statement.at })),
        }
      : null;
  return { intent, policy: view };
}

const err = (description: string) => ({ description, schema: errorSchema });

export const WIRING_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/requests/{requestId}/approvals',
    summary:
      'Approve or reject a request waiting for approvals: an approver-signed statement bound to the request, its intent and the policy version (replays onto another request are refused)',
    body: SignedApproval,
    responses: {
      200: { description: 'recorded (or already recorded); the request view with the quorum status' },
      400: err('malformed statement'),
      401: err('bad signature'),
      403: err('unknown approver or key, or not an approver'),
      409: err(
        'bound to another request, intent or policy (replay), or the request does not wait for approvals',
      ),
      422: err('statement expired or dated in the future'),
    },
  },
  {
    method: 'get',
    path: '/v1/policy',
    summary: 'The governed state in force (policy, address book, users, groups, admin quorum) and its hash',
    responses: {
      200: { description: 'head', schema: policyHeadViewSchema },
      404: err('no policy configured'),
    },
  },
  {
    method: 'post',
    path: '/v1/policy/changes',
    summary:
      'Submit an admin-signed governance change: applied here, audited, and forwarded unchanged to every signer node (each verifies the admin quorum itself)',
    body: SignedChange,
    responses: {
      200: { description: 'applied; per-node forwarding results', schema: changeResultSchema },
      400: err('malformed change'),
      401: err('fewer valid admin signatures than the quorum'),
      409: err('another base version or hash'),
      422: err('invalid activation time or resulting state'),
    },
  },
  {
    method: 'get',
    path: '/v1/audit/export',
    summary:
      'The audit log as JSONL (cairn-audit-export/v1) after a fresh checkpoint cosigned by the nodes; verify offline with `cairn audit verify EXPORT --keys KEYS`',
    responses: { 200: { description: 'application/x-ndjson' }, 404: err('no audit log configured') },
  },
  {
    method: 'get',
    path: '/v1/audit/keys',
    summary: "The verifier's keys file: the log's key and every node's witness key",
    responses: { 200: { description: 'cairn-audit-keys/v1' }, 404: err('no audit log configured') },
  },
  {
    method: 'get',
    path: '/v1/intent/coverage',
    summary: 'Simulation coverage: requests analysed, simulated, unavailable',
    responses: { 200: { description: 'coverage', schema: coverageSchema } },
  },
];

async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new CoordinatorError('INVALID_INPUT', 'body must be JSON');
  }
}

const APPROVAL_STATUS_CODES = new Set<string>([
  'MALFORMED_APPROVAL',
  'APPROVAL_MISMATCH',
  'UNKNOWN_APPROVER',
  'NOT_AN_APPROVER',
  'UNKNOWN_KEY',
  'BAD_SIGNATURE',
  'APPROVAL_EXPIRED',
  'APPROVAL_NOT_YET_VALID',
  'NO_DECISION',
  'APPROVALS_NOT_REQUIRED',
]);

const CHANGE_CODES = new Set<string>([
  'INVALID_CHANGE',
  'BASE_MISMATCH',
  'INSUFFICIENT_SIGNATURES',
  'ACTIVATION_INVALID',
  'INVALID_STATE',
]);

export function registerWiringRoutes(
  app: Hono,
  ctx: WiringContext,
  view: (requestId: string) => unknown,
  logWarn: (event: string, fields: Record<string, unknown>) => void,
): void {
  app.post('/v1/requests/:requestId/approvals', async (c) => {
    const id = c.req.param('requestId');
    const input = await jsonBody(c);
    const record = ctx.requests.get(id);
    if (!record) throw new CoordinatorError('NOT_FOUND', `no request ${id}`);
    const policy = ctx.gate?.policy;
    if (!policy)
      throw new CoordinatorError('NO_POLICY', 'this coordinator has no policy: nothing to approve');
    if (record.state !== 'pending_approval') {
      throw new CoordinatorError(
        'NOT_PENDING',
        `request ${id} is ${record.state}, not waiting for approvals`,
      );
    }
    try {
      const outcome = policy.submitApproval({ requestId: id, approval: input, nowMs: Date.now() });
      if (outcome.recorded) ctx.auditor?.approval(outcome.approval);
      // Re-route: the quorum may be reached, or a rejection ends the request.
      if (outcome.quorum.status !== 'pending') ctx.process(id);
      return c.json({
        recorded: outcome.recorded,
        quorum: outcome.quorum,
        request: view(id),
      });
    } catch (error) {
      if (error instanceof ApprovalRefusedError) {
        logWarn('approval.refused', { requestId: id, code: error.code, message: error.message });
        const code = APPROVAL_STATUS_CODES.has(error.code) ? error.code : 'MALFORMED_APPROVAL';
        throw new CoordinatorError(code as CoordinatorErrorCode, error.message);
      }
      throw error;
    }
  });

  app.get('/v1/policy', (c) => {
    const policy = ctx.gate?.policy;
    if (!policy) throw new CoordinatorError('NO_POLICY', 'this coordinator has no policy configured');
    return c.json({
      version: policy.head.version,
      hash: policy.headHash,
      activatedAt: policy.head.activatedAt,
      state: policy.head,
    });
  });

  app.post('/v1/policy/changes', async (c) => {
    const input = await jsonBody(c);
    const policy = ctx.gate?.policy;
    if (!policy) throw new CoordinatorError('NO_POLICY', 'this coordinator has no policy configured');
    try {
      const result = await submitGovernanceChange({
        policy,
        auditor: ctx.auditor,
        nodes: ctx.nodes,
        forward: ctx.forwardChange ?? httpForwardChange,
        signed: input,
        nowMs: Date.now(),
      });
      return c.json(result);
    } catch (error) {
      if (error instanceof PolicyError) {
        logWarn('policy.change_refused', { code: error.code, message: error.message });
        const code = CHANGE_CODES.has(error.code) ? error.code : 'INVALID_CHANGE';
        throw new CoordinatorError(code as CoordinatorErrorCode, error.message);
      }
      throw error;
    }
  });

  app.get('/v1/audit/export', async (c) => {
    const trail = ctx.auditor?.trail;
    if (!trail) throw new CoordinatorError('NO_AUDIT_LOG', 'this coordinator has no audit log configured');
    const { text } = await trail.exportJsonl();
    return c.body(text, 200, { 'content-type': 'application/x-ndjson' });
  });

  app.get('/v1/audit/keys', async (c) => {
    const trail = ctx.auditor?.trail;
    if (!trail) throw new CoordinatorError('NO_AUDIT_LOG', 'this coordinator has no audit log configured');
    const witnesses = ctx.witnessKeys ? await ctx.witnessKeys() : [];
    return c.json(trail.keysFile(witnesses));
  });

  app.get('/v1/intent/coverage', (c) =>
    c.json(ctx.gate?.intent?.store.coverage() ?? { requests: 0, simulated: 0, unavailable: 0, ratio: 1 }),
  );
}
