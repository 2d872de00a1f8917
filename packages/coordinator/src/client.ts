// A typed HTTP client for the coordinator API, used by the CLI, the end-to-end tests and the
// benchmark. API errors become ApiError with the server's stable code.
import type { KeygenJob, SignedRequest } from '@cairn/node';
import type { z } from 'zod';
import type {
  healthSchema,
  nodeStatusSchema,
  preparedCallSchema,
  preparedTransferSchema,
  requestViewSchema,
  vaultViewSchema,
} from './api/schemas.ts';

export type RequestView = z.infer<typeof requestViewSchema>;
export type VaultView = z.infer<typeof vaultViewSchema>;
export type NodeStatusView = z.infer<typeof nodeStatusSchema>;
export type PreparedTransfer = z.infer<typeof preparedTransferSchema>;
export type PreparedCall = z.infer<typeof preparedCallSchema>;
export type HealthView = z.infer<typeof healthSchema>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export class CoordinatorClient {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ApiError(0, 'UNAVAILABLE', `cannot reach the coordinator at ${this.baseUrl} (${cause})`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(
        response.status,
        'BAD_RESPONSE',
        `coordinator answered HTTP ${response.status} without JSON`,
      );
    }
    if (!response.ok) {
      const e = (json as { error?: { code?: string; message?: string } }).error;
      throw new ApiError(
        response.status,
        e?.code ?? `HTTP_${response.status}`,
        e?.message ?? `HTTP ${response.status}`,
      );
    }
    return { status: response.status, body: json as T };
  }

  async health(): Promise<HealthView> {
    return (await this.call<HealthView>('GET', '/v1/health')).body;
  }
  async nodes(): Promise<NodeStatusView[]> {
    return (await this.call<NodeStatusView[]>('GET', '/v1/nodes')).body;
  }
  async createVault(job: KeygenJob): Promise<VaultView> {
    return (await this.call<VaultView>('POST', '/v1/vaults', job)).body;
  }
  async vault(idOrName: string): Promise<VaultView> {
    return (await this.call<VaultView>('GET', `/v1/vaults/${encodeURIComponent(idOrName)}`)).body;
  }
  async vaults(): Promise<VaultView[]> {
    return (await this.call<VaultView[]>('GET', '/v1/vaults')).body;
  }
  async prepareTransfer(
    vault: string,
    params: { to: string; amount: string; token?: string; chainId?: number },
  ): Promise<PreparedTransfer> {
    return (
      await this.call<PreparedTransfer>(
        'POST',
        `/v1/vaults/${encodeURIComponent(vault)}/transfers/prepare`,
        params,
      )
    ).body;
  }
  async prepareCall(
    vault: string,
    params: { to: string; data: string; value?: string; chainId?: number },
  ): Promise<PreparedCall> {
    return (
      await this.call<PreparedCall>('POST', `/v1/vaults/${encodeURIComponent(vault)}/calls/prepare`, params)
    ).body;
  }
  async submit(request: SignedRequest): Promise<{ status: number; body: RequestView }> {
    return this.call<RequestView>('POST', '/v1/requests', request);
  }
  async request(requestId: string, longPoll?: { after: number; waitMs: number }): Promise<RequestView> {
    const query = longPoll ? `?after=${longPoll.after}&waitMs=${longPoll.waitMs}` : '';
    return (await this.call<RequestView>('GET', `/v1/requests/${encodeURIComponent(requestId)}${query}`))
      .body;
  }

  /** Polls a vault until it is no longer `creating`, reporting each change. */
  async waitForVault(
    idOrName: string,
    options: { onUpdate?: (v: VaultView) => void; timeoutMs?: number; pollMs?: number } = {},
  ): Promise<VaultView> {
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    let last = '';
    for (;;) {
      const v = await this.vault(idOrName);
      const key = JSON.stringify([v.status, v.progress]);
      if (key !== last) {
        last = key;
        options.onUpdate?.(v);
      }
      if (v.status !== 'creating') return v;
      if (Date.now() > deadline) throw new ApiError(0, 'TIMEOUT', `vault ${idOrName} is still being created`);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
  }

  /**
   * Follows a request until `until(view)` (default: terminal), reporting each state change.
   * Uses the API's long poll, so a change is seen as soon as it is committed.
   */
  async waitForRequest(
    requestId: string,
    options: {
      until?: (r: RequestView) => boolean;
      onUpdate?: (r: RequestView) => void;
      timeoutMs?: number;
    } = {},
  ): Promise<RequestView> {
    const until = options.until ?? ((r: RequestView) => r.terminal);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let r = await this.request(requestId);
    options.onUpdate?.(r);
    for (;;) {
      if (until(r)) return r;
      const left = deadline - Date.now();
      if (left <= 0) throw new ApiError(0, 'TIMEOUT', `request ${requestId} is still ${r.state}`);
      const seen = r.events.length;
      r = await this.request(requestId, { after: seen, waitMs: Math.min(left, 20_000) });
      if (r.events.length !== seen) options.onUpdate?.(r);
    }
  }
}
