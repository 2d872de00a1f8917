// HTTP client for one signer node's API (docs/agents/SIGNING-PATH.md "Signer node process").
// Every response is validated with the node's own response schemas; anything else is treated as
// the node being unavailable, never as a result.
import {
  errorResponseSchema,
  type HealthResponse,
  healthResponseSchema,
  type KeygenJob,
  type KeygenResponse,
  keygenResponseSchema,
  type SignJob,
  type SignResponse,
  signResponseSchema,
} from '@cairn/node';
import { z } from 'zod';

/** Answer of POST /v1/ledger/signed (packages/node signer-node.ts `recordSignedElsewhere`). */
const ledgerNoticeResponseSchema = z.object({ requestId: z.string(), recorded: z.boolean() });

export interface NodeEndpoint {
  nodeId: string;
  partyId: number;
  url: string;
}

/**
 * Why a node call failed. `unavailable`: the node could not be reached or did not answer in
 * time (try other nodes). `aborted`: the node answered that the protocol session could not
 * complete (a peer went away, a timeout) — the node itself is fine. `refused`: the node checked
 * the job and said no (bad signature, replay, policy…): final, never retried.
 */
export type NodeFailureKind = 'unavailable' | 'aborted' | 'refused';

export class NodeCallError extends Error {
  readonly kind: NodeFailureKind;
  readonly code: string;
  readonly nodeId: string;
  readonly status: number | null;
  constructor(kind: NodeFailureKind, code: string, nodeId: string, message: string, status: number | null) {
    super(message);
    this.name = 'NodeCallError';
    this.kind = kind;
    this.code = code;
    this.nodeId = nodeId;
    this.status = status;
  }
}

/**
 * Node error codes that mean "this session could not complete, try again" rather than "no".
 * Everything not listed here (and not a 5xx) is a refusal.
 */
const ABORT_CODES = new Set([
  'SESSION_TIMEOUT',
  'SESSION_BUSY',
  'PEER_UNREACHABLE',
  'PROTOCOL_ABORTED',
  'SEND_FAILED',
  'SESSION_CLOSED',
  'INTERNAL',
]);

/** Node error codes that mean "this node cannot take jobs right now": avoid it, use others. */
const UNAVAILABLE_CODES = new Set(['SHUTTING_DOWN', 'NO_COMMITTEE']);

export class NodeClient {
  readonly endpoint: NodeEndpoint;
  constructor(endpoint: NodeEndpoint) {
    this.endpoint = endpoint;
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<T> {
    const { nodeId, url } = this.endpoint;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(path, url), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        throw new NodeCallError(
          'aborted',
          'CANCELLED',
          nodeId,
          `node ${nodeId}: call cancelled by the coordinator`,
          null,
        );
      }
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : causeOf(error);
      throw new NodeCallError('unavailable', 'NODE_UNAVAILABLE', nodeId, `node ${nodeId}: ${reason}`, null);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new NodeCallError(
        'unavailable',
        'BAD_NODE_RESPONSE',
        nodeId,
        `node ${nodeId}: non-JSON answer`,
        response.status,
      );
    }
    if (response.ok) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      throw new NodeCallError(
        'unavailable',
        'BAD_NODE_RESPONSE',
        nodeId,
        `node ${nodeId}: answer does not match the API (${parsed.error.issues[0]?.message})`,
        response.status,
      );
    }
    const err = errorResponseSchema.safeParse(json);
    const code = err.success ? err.data.error.code : `HTTP_${response.status}`;
    const message = err.success ? err.data.error.message : `HTTP ${response.status}`;
    const kind: NodeFailureKind = UNAVAILABLE_CODES.has(code)
      ? 'unavailable'
      : ABORT_CODES.has(code) || response.status >= 500
        ? 'aborted'
        : 'refused';
    throw new NodeCallError(kind, code, nodeId, `node ${nodeId}: ${code}: ${message}`, response.status);
  }

  health(timeoutMs = 2000): Promise<HealthResponse> {
    return this.call('GET', '/v1/health', healthResponseSchema, undefined, timeoutMs);
  }

  sign(job: SignJob, timeoutMs: number, signal?: AbortSignal): Promise<SignResponse> {
    return this.call('POST', '/v1/sign', signResponseSchema, job, timeoutMs, signal);
  }

  /**
   * Tells a node that did not sign a request about its threshold signature, so the node's velocity
   * ledger counts it (POST /v1/ledger/signed; the node verifies it all and records idempotently).
   */
  recordSigned(
    notice: { request: unknown; signature: unknown },
    timeoutMs: number,
  ): Promise<{ requestId: string; recorded: boolean }> {
    return this.call('POST', '/v1/ledger/signed', ledgerNoticeResponseSchema, notice, timeoutMs);
  }

  keygen(job: KeygenJob, timeoutMs: number): Promise<KeygenResponse> {
    return this.call('POST', '/v1/keygen', keygenResponseSchema, job, timeoutMs);
  }
}

function causeOf(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
