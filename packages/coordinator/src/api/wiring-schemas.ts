// Schemas of the intent, policy, approval and audit parts of the API (see wiring-routes.ts); they
// validate nothing the coordinator receives (signed statements are validated by @cairn/policy)
// but document the responses in GET /openapi.json.
import { z } from 'zod';

const findingView = z.object({ ruleId: z.string(), severity: z.string(), message: z.string() });

export const intentViewSchema = z
  .object({
    simulated: z.boolean(),
    status: z.string(),
    errorCode: z.string().nullable(),
    riskLevel: z.string(),
    summary: z.string().nullable(),
    findings: z.array(findingView),
    digest: z.string().nullable(),
    report: z.unknown(),
  })
  .nullable();

export const policyViewSchema = z
  .object({
    policyHash: z.string(),
    request: z.unknown(),
    intentFacts: z.unknown(),
    decision: z.object({
      outcome: z.enum(['allow', 'block', 'require_approvals']),
      code: z.string(),
      ruleId: z.string().nullable(),
      ruleIndex: z.number().int().nullable(),
      policyHash: z.string(),
      evaluatedAt: z.number().int(),
      reason: z.string().nullable(),
      explanation: z.string(),
      approvals: z
        .object({
          mode: z.enum(['all', 'any']),
          groups: z.array(z.object({ group: z.string(), threshold: z.number().int() })),
          initiatorMayApprove: z.boolean(),
          expiresAt: z.number().int(),
        })
        .nullable(),
    }),
    binding: z.object({
      requestId: z.string(),
      requestDigest: z.string(),
      intentDigest: z.string(),
      policyHash: z.string(),
    }),
    quorum: z.unknown(),
    approvals: z.array(
      z.object({ approverId: z.string(), verdict: z.enum(['approve', 'reject']), at: z.number().int() }),
    ),
  })
  .nullable();

export const policyHeadViewSchema = z.object({
  version: z.number().int(),
  hash: z.string(),
  activatedAt: z.number().int(),
  state: z.unknown(),
});

export const changeResultSchema = z.object({
  version: z.number().int(),
  hash: z.string(),
  activatedAt: z.number().int(),
  nodes: z.array(
    z.object({
      nodeId: z.string(),
      ok: z.boolean(),
      code: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
});

export const coverageSchema = z.object({
  requests: z.number().int(),
  simulated: z.number().int(),
  unavailable: z.number().int(),
  ratio: z.number(),
});
