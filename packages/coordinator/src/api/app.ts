// The coordinator's HTTP API (Hono). Every body is validated with the zod schemas in schemas.ts,
// which also generate GET /openapi.json. Errors are `{ error: { code, message } }`.
import {
  type EvmCall,
  type EvmChain,
  erc20TransferCall,
  nativeTransferCall,
  parseAmount,
  prepareTransaction,
} from '@cairn/chains';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { CoordinatorConfig } from '../config.ts';
import { CoordinatorError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { CoordinatorMetrics } from '../metrics.ts';
import { admitSignedRequest } from '../requests/admit.ts';
import { isTerminal } from '../requests/states.ts';
import type { NodeHealth, NodeStatus } from '../signing/node-health.ts';
import type { SigningOrchestrator } from '../signing/orchestrator.ts';
import type { RequestRecord, RequestStore } from '../store/request-store.ts';
import type { VaultRecord, VaultStore } from '../store/vault-store.ts';
import { createVault } from '../vaults/create-vault.ts';
import type { RequestAuditor } from '../audit/request-auditor.ts';
import type { PreSignGate } from '../policy/pre-sign-gate.ts';
import { openApiDocument, type RouteDoc } from './openapi.ts';
import { registerWiringRoutes, WIRING_ROUTES, wiringView } from './wiring-routes.ts';
import {
  errorSchema,
  healthSchema,
  keygenJobDocSchema,
  nodeStatusSchema,
  prepareCallSchema,
  preparedCallSchema,
  preparedTransferSchema,
  prepareTransferSchema,
  requestViewSchema,
  submitRequestSchema,
  vaultViewSchema,
  waitQuerySchema,
} from './schemas.ts';

export interface AppContext {
  config: CoordinatorConfig;
  requests: RequestStore;
  vaults: VaultStore;
  health: NodeHealth;
  chains: Map<number, EvmChain>;
  orchestrator: SigningOrchestrator;
  metrics: CoordinatorMetrics;
  logger: Logger;
  /** Intent analysis and policy decisions (null or absent: not configured). */
  gate?: PreSignGate | null;
  auditor?: RequestAuditor | null;
  /** The nodes' witness verifier keys, for GET /v1/audit/keys. */
  witnessKeys?: () => Promise<string[]>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function requestView(
  r: RequestRecord,
  requests: RequestStore,
  gate: PreSignGate | null = null,
): z.infer<typeof requestViewSchema> {
  return {
    ...wiringView(gate, r.requestId),
    requestId: r.requestId,
    vaultId: r.vaultId,
    kind: r.kind,
    chainId: r.chainId,
    initiator: r.initiator,
    idempotencyKey: r.idempotencyKey,
    state: r.state,
    terminal: isTerminal(r.state, r.kind),
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    signers: r.signers,
    attempts: r.attempts,
    signature: r.signature,
    txHash: r.txHash,
    rawTx: r.rawTx,
    receipt: r.receipt,
    receivedAt: iso(r.receivedAtMs)!,
    signedAt: iso(r.signedAtMs),
    events: requests
      .events(r.requestId)
      .map((e) => ({ seq: e.seq, state: e.state, at: iso(e.atMs)!, detail: e.detail })),
  };
}

export function vaultView(v: VaultRecord): z.infer<typeof vaultViewSchema> {
  return {
    vaultId: v.vaultId,
    name: v.name,
    scheme: v.scheme,
    threshold: v.threshold,
    parties: v.parties,
    status: v.status,
    progress: v.progress,
    publicKey: v.publicKey,
    address: v.address,
    initiators: v.initiators,
    error: v.errorCode ? { code: v.errorCode, message: v.errorMessage ?? '' } : null,
  };
}

function nodeView(s: NodeStatus): z.infer<typeof nodeStatusSchema> {
  return {
    nodeId: s.nodeId,
    partyId: s.partyId,
    url: s.url,
    up: s.up,
    status: s.status,
    committee: s.committee,
    checkedAt: iso(s.checkedAtMs),
    error: s.error,
  };
}

const err = (description: string) => ({ description, schema: errorSchema });

export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/health',
    summary: 'Coordinator liveness',
    responses: { 200: { description: 'ok', schema: healthSchema } },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'text exposition format' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'get',
    path: '/v1/nodes',
    summary: 'Signer nodes and their health (probed now)',
    responses: { 200: { description: 'nodes', schema: nodeStatusSchema.array() } },
  },
  {
    method: 'post',
    path: '/v1/vaults',
    summary:
      'Create a vault: the admin-signed keygen job is passed to every party; DKG runs in the background',
    body: keygenJobDocSchema,
    responses: {
      202: { description: 'vault creation started', schema: vaultViewSchema },
      400: err('invalid job'),
      401: err('admin signatures missing or invalid'),
      409: err('vault exists'),
    },
  },
  {
    method: 'get',
    path: '/v1/vaults',
    summary: 'All vaults',
    responses: { 200: { description: 'vaults', schema: vaultViewSchema.array() } },
  },
  {
    method: 'get',
    path: '/v1/vaults/{vault}',
    summary: 'One vault by id or name, with DKG progress',
    responses: { 200: { description: 'vault', schema: vaultViewSchema }, 404: err('no such vault') },
  },
  {
    method: 'post',
    path: '/v1/vaults/{vault}/transfers/prepare',
    summary: 'Build an unsigned EIP-1559 transfer (native or ERC-20) with nonce, fees and gas from the chain',
    body: prepareTransferSchema,
    responses: {
      200: { description: 'unsigned transaction to sign', schema: preparedTransferSchema },
      404: err('no such vault'),
    },
  },
  {
    method: 'post',
    path: '/v1/vaults/{vault}/calls/prepare',
    summary:
      'Build an unsigned EIP-1559 contract call (ABI-encoded data, optional value) with nonce, fees and gas',
    body: prepareCallSchema,
    responses: {
      200: { description: 'unsigned transaction to sign', schema: preparedCallSchema },
      404: err('no such vault'),
    },
  },
  {
    method: 'post',
    path: '/v1/requests',
    summary: 'Submit an initiator-signed request; persisted before it is acknowledged',
    body: submitRequestSchema,
    responses: {
      202: { description: 'accepted (state received)', schema: requestViewSchema },
      200: { description: 'same idempotency key and body: the existing request', schema: requestViewSchema },
      400: err('invalid request'),
      401: err('bad initiator signature'),
      403: err('not an initiator of the vault'),
      409: err('replayed nonce or idempotency conflict'),
      422: err('expired'),
    },
  },
  {
    method: 'get',
    path: '/v1/requests',
    summary: 'Recent requests',
    responses: { 200: { description: 'requests', schema: requestViewSchema.array() } },
  },
  {
    method: 'get',
    path: '/v1/requests/{requestId}',
    summary:
      'One request: state, history, signature, transaction hash, receipt. With ?after=N&waitMs=M, waits (long poll) until the request has more than N state events',
    responses: { 200: { description: 'request', schema: requestViewSchema }, 404: err('no such request') },
  },
];

async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new CoordinatorError('INVALID_INPUT', 'body must be JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const detail = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new CoordinatorError('INVALID_INPUT', detail);
  }
  return r.data;
}

export function createApp(ctx: AppContext): Hono {
  const app = new Hono();
  const openapi = openApiDocument([...ROUTES, ...WIRING_ROUTES], '0.1.0');
  const gate = ctx.gate ?? null;
  const view = (r: RequestRecord) => requestView(r, ctx.requests, gate);

  app.onError((error, c) => {
    if (error instanceof CoordinatorError) {
      return c.json(
        { error: { code: error.code, message: error.message } },
        error.status as ContentfulStatusCode,
      );
    }
    ctx.logger.log('error', 'api.error', { path: c.req.path, message: error.message });
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.get('/openapi.json', (c) => c.json(openapi));
  app.get('/metrics', async (c) => {
    const text = await ctx.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': ctx.metrics.registry.contentType });
  });
  app.get('/v1/health', (c) => {
    const nodes = ctx.health.snapshot();
    return c.json({
      status: 'ok' as const,
      nodes: { total: nodes.length, up: nodes.filter((n) => n.up).length },
      chains: ctx.config.chains,
    });
  });
  app.get('/v1/nodes', async (c) => c.json((await ctx.health.probe()).map(nodeView)));

  app.post('/v1/vaults', async (c) => {
    const input = await jsonBody(c);
    try {
      const { vault } = createVault({
        input,
        vaults: ctx.vaults,
        health: ctx.health,
        logger: ctx.logger,
        admins: ctx.config.admins,
        keygenTimeoutMs: ctx.config.keygenTimeoutMs,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      return c.json(vaultView(vault), 202);
    } catch (error) {
      if (error instanceof CoordinatorError) {
        ctx.logger.log('warn', 'vault.refused', { code: error.code, message: error.message });
        ctx.metrics.refusals.inc({ code: error.code });
      }
      throw error;
    }
  });
  app.get('/v1/vaults', (c) => c.json(ctx.vaults.list().map(vaultView)));
  app.get('/v1/vaults/:vault', (c) => {
    const v = ctx.vaults.find(c.req.param('vault'));
    if (!v) throw new CoordinatorError('UNKNOWN_VAULT', `no vault ${c.req.param('vault')}`);
    return c.json(vaultView(v));
  });
  /** Fills nonce (skipping nonces reserved by in-flight requests), fees and gas for a vault's call. */
  async function prepareForVault(
    vaultParam: string,
    chainIdInput: number | undefined,
    build: (chain: EvmChain) => Promise<EvmCall>,
  ) {
    const v = ctx.vaults.find(vaultParam);
    if (!v) throw new CoordinatorError('UNKNOWN_VAULT', `no vault ${vaultParam}`);
    if (v.status !== 'ready' || !v.address) {
      throw new CoordinatorError(
        'VAULT_NOT_READY',
        `vault ${v.name} has no EVM address (status ${v.status}, scheme ${v.scheme})`,
      );
    }
    const chainId = chainIdInput ?? ctx.config.chains[0]?.chainId;
    const chain = chainId === undefined ? undefined : ctx.chains.get(chainId);
    if (!chain || chainId === undefined)
      throw new CoordinatorError('UNSUPPORTED_CHAIN', `chain ${chainId} is not configured`);
    const from = v.address as `0x${string}`;
    try {
      const call = await build(chain);
      const reserved = ctx.requests.highestReservedNonce(v.vaultId, chainId);
      const pending = await chain.getPendingNonce(from);
      const nonce = reserved === null ? pending : Math.max(pending, reserved + 1);
      const transaction = await prepareTransaction({ chain, from, call, nonce });
      return { vaultId: v.vaultId, from, chainId, transaction };
    } catch (error) {
      if (error instanceof CoordinatorError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'INVALID_TRANSACTION')
        throw new CoordinatorError('INVALID_INPUT', (error as Error).message);
      throw new CoordinatorError(
        'UNAVAILABLE',
        `could not prepare the transaction: ${(error as Error).message}`,
      );
    }
  }

  app.post('/v1/vaults/:vault/transfers/prepare', async (c) => {
    const body = parse(prepareTransferSchema, await jsonBody(c));
    let units = 0n;
    const prepared = await prepareForVault(c.req.param('vault'), body.chainId, async (chain) => {
      const decimals = body.token ? await chain.getTokenDecimals(body.token as `0x${string}`) : 18;
      units = parseAmount(body.amount, decimals);
      return body.token
        ? erc20TransferCall({ token: body.token, to: body.to, amount: units })
        : nativeTransferCall({ to: body.to, amountWei: units });
    });
    return c.json({
      ...prepared,
      summary: {
        asset: body.token ?? 'native',
        to: body.to,
        amount: body.amount,
        baseUnits: units.toString(),
      },
    });
  });
  app.post('/v1/vaults/:vault/calls/prepare', async (c) => {
    const body = parse(prepareCallSchema, await jsonBody(c));
    const prepared = await prepareForVault(c.req.param('vault'), body.chainId, async () => ({
      to: body.to as `0x${string}`,
      value: BigInt(body.value ?? '0'),
      data: body.data.toLowerCase() as `0x${string}`,
    }));
    return c.json(prepared);
  });

  app.post('/v1/requests', async (c) => {
    const input = await jsonBody(c);
    const nowMs = Date.now();
    let admitted: ReturnType<typeof admitSignedRequest>;
    try {
      admitted = admitSignedRequest({
        input,
        nowSeconds: Math.floor(nowMs / 1000),
        maxLifetimeSeconds: ctx.config.maxRequestLifetimeSeconds,
        clockSkewSeconds: 60,
        findVault: (id) => ctx.vaults.find(id),
        supportedChain: (id) => ctx.chains.has(id),
      });
    } catch (error) {
      if (error instanceof CoordinatorError) refused(ctx, error, input);
      throw error;
    }
    const outcome = ctx.requests.insert({
      request: admitted.request,
      bodyDigest: admitted.bodyDigest,
      nowMs,
    });
    switch (outcome.outcome) {
      case 'created':
        ctx.logger.log('info', 'request.received', {
          requestId: outcome.record.requestId,
          vaultId: outcome.record.vaultId,
          kind: outcome.record.kind,
          initiator: outcome.record.initiator,
        });
        void ctx.orchestrator.process(outcome.record.requestId);
        return c.json(view(outcome.record), 202);
      case 'duplicate':
        return c.json(view(outcome.record), 200);
      case 'idempotency-conflict': {
        const e = new CoordinatorError(
          'IDEMPOTENCY_CONFLICT',
          `idempotency key ${admitted.request.body.idempotencyKey} was used for another request (${outcome.record.requestId})`,
        );
        refused(ctx, e, input);
        throw e;
      }
      case 'replayed': {
        const e = new CoordinatorError(
          'REPLAYED',
          `nonce ${admitted.request.body.nonce} was already used by this initiator`,
        );
        refused(ctx, e, input);
        throw e;
      }
      case 'request-id-taken': {
        const e = new CoordinatorError(
          'REPLAYED',
          `request id ${admitted.request.body.requestId} already exists`,
        );
        refused(ctx, e, input);
        throw e;
      }
    }
  });
  app.get('/v1/requests', (c) => {
    const vault = c.req.query('vault');
    return c.json(ctx.requests.list({ vaultId: vault }).map(view));
  });
  app.get('/v1/requests/:requestId', async (c) => {
    const id = c.req.param('requestId');
    if (!ctx.requests.get(id)) throw new CoordinatorError('NOT_FOUND', `no request ${id}`);
    // Long poll: `?after=N&waitMs=M` answers as soon as the request has more than N events.
    const query = parse(waitQuerySchema, { after: c.req.query('after'), waitMs: c.req.query('waitMs') });
    if (query.after !== undefined) {
      await ctx.requests.waitForChange(id, query.after, query.waitMs ?? 20_000, c.req.raw.signal);
    }
    return c.json(view(ctx.requests.get(id)!));
  });
  registerWiringRoutes(
    app,
    {
      gate,
      auditor: ctx.auditor ?? null,
      requests: ctx.requests,
      nodes: ctx.config.nodes,
      process: (id) => void ctx.orchestrator.process(id),
      ...(ctx.witnessKeys ? { witnessKeys: ctx.witnessKeys } : {}),
    },
    (id) => view(ctx.requests.get(id)!),
    (event, fields) => {
      ctx.metrics.refusals.inc({ code: String(fields.code) });
      ctx.logger.log('warn', event, fields);
    },
  );
  return app;
}

/** The audit line for a request refused at the door (no request is persisted, nothing is signed). */
function refused(ctx: AppContext, error: CoordinatorError, input: unknown): void {
  const body = (input as { body?: { requestId?: unknown; vaultId?: unknown } } | null)?.body;
  const initiator = (input as { initiator?: unknown } | null)?.initiator;
  ctx.metrics.refusals.inc({ code: error.code });
  ctx.logger.log('warn', 'request.refused', {
    code: error.code,
    message: error.message,
    requestId: typeof body?.requestId === 'string' ? body.requestId.slice(0, 64) : undefined,
    vaultId: typeof body?.vaultId === 'string' ? body.vaultId.slice(0, 128) : undefined,
    initiator: typeof initiator === 'string' ? initiator.slice(0, 66) : undefined,
  });
}
