// Schemas of the coordinator API. The same zod schemas validate input in the handlers and
// generate the OpenAPI document (api/openapi.ts).
import { adminSignaturesSchema, keygenJobBodySchema, signedRequestSchema } from '@cairn/node';
import { z } from 'zod';
import { REQUEST_STATES } from '../requests/states.ts';
import { intentViewSchema, policyViewSchema } from './wiring-schemas.ts';

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte 0x-hex address');

/** POST /v1/requests: the initiator's signed request. */
export const submitRequestSchema = signedRequestSchema;

/** POST /v1/vaults: an admin-signed keygen job (validated with @cairn/node's parseKeygenJob). */
export const keygenJobDocSchema = z.intersection(
  keygenJobBodySchema,
  z.object({ signatures: adminSignaturesSchema }),
);

/** POST /v1/vaults/{vault}/transfers/prepare: what to send; the coordinator fills nonce, fees, gas. */
export const prepareTransferSchema = z.strictObject({
  to: evmAddress,
  /** Human amount, e.g. "0.5" (ether) or "12.5" (tokens, scaled by the token's decimals). */
  amount: z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, 'expected a decimal amount like 1.5'),
  /** ERC-20 token contract; omitted for the native currency. */
  token: evmAddress.optional(),
  chainId: z.number().int().min(1).optional(),
});

/** POST /v1/vaults/{vault}/calls/prepare: an arbitrary contract call. */
export const prepareCallSchema = z.strictObject({
  to: evmAddress,
  /** ABI-encoded calldata. */
  data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-hex bytes'),
  /** Wei sent with the call, decimal string. */
  value: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,77})$/, 'expected wei as a decimal string')
    .optional(),
  chainId: z.number().int().min(1).optional(),
});

export const transactionSchema = z.object({
  type: z.literal('eip1559'),
  chainId: z.number().int(),
  nonce: z.number().int(),
  to: z.string(),
  value: z.string(),
  data: z.string(),
  gas: z.string(),
  maxFeePerGas: z.string(),
  maxPriorityFeePerGas: z.string(),
});

export const preparedCallSchema = z.object({
  vaultId: z.string(),
  from: z.string(),
  chainId: z.number().int(),
  transaction: transactionSchema,
});

export const preparedTransferSchema = z.object({
  vaultId: z.string(),
  from: z.string(),
  chainId: z.number().int(),
  transaction: transactionSchema,
  summary: z.object({ asset: z.string(), to: z.string(), amount: z.string(), baseUnits: z.string() }),
});

export const requestEventSchema = z.object({
  seq: z.number().int(),
  state: z.enum(REQUEST_STATES),
  at: z.string(),
  detail: z.string().nullable(),
});

export const requestViewSchema = z.object({
  requestId: z.string(),
  vaultId: z.string(),
  kind: z.string(),
  chainId: z.number().int(),
  initiator: z.string(),
  idempotencyKey: z.string(),
  state: z.enum(REQUEST_STATES),
  terminal: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  signers: z.array(z.number().int()).nullable(),
  attempts: z.number().int(),
  signature: z.unknown(),
  txHash: z.string().nullable(),
  rawTx: z.string().nullable(),
  receipt: z.unknown(),
  receivedAt: z.string(),
  signedAt: z.string().nullable(),
  events: z.array(requestEventSchema),
  /** What the request really does (intent report summary and findings); null when not analysed. */
  intent: intentViewSchema,
  /** The policy decision, what approvals must bind, the quorum and the approvals so far. */
  policy: policyViewSchema,
});

export const vaultViewSchema = z.object({
  vaultId: z.string(),
  name: z.string(),
  scheme: z.string(),
  threshold: z.number().int(),
  parties: z.array(z.number().int()),
  status: z.enum(['creating', 'ready', 'failed']),
  progress: z.array(
    z.object({
      partyId: z.number().int(),
      nodeId: z.string(),
      status: z.enum(['pending', 'running', 'done', 'failed']),
      error: z.string().optional(),
    }),
  ),
  publicKey: z.string().nullable(),
  address: z.string().nullable(),
  initiators: z.array(z.object({ id: z.string(), publicKey: z.string() })),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const nodeStatusSchema = z.object({
  nodeId: z.string(),
  partyId: z.number().int(),
  url: z.string(),
  up: z.boolean(),
  status: z.string().nullable(),
  committee: z.object({ id: z.string(), version: z.number().int() }).nullable(),
  checkedAt: z.string().nullable(),
  error: z.string().nullable(),
});

export const healthSchema = z.object({
  status: z.literal('ok'),
  nodes: z.object({ total: z.number().int(), up: z.number().int() }),
  chains: z.array(z.object({ chainId: z.number().int(), rpcUrl: z.string() })),
});

/** Long-poll query of GET /v1/requests/{requestId}. */
export const waitQuerySchema = z.object({
  after: z.coerce.number().int().min(0).max(1000).optional(),
  waitMs: z.coerce.number().int().min(0).max(60_000).optional(),
});
