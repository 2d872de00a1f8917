// A minimal JSON-RPC 2.0 client over HTTP with a timeout on every request and batch support.
// Every failure is an IntentError: RPC_UNAVAILABLE (cannot connect, HTTP error), TIMEOUT, or
// RPC_ERROR (the node answered with an error object — `rpcCode` keeps its code).
import { IntentError } from '../errors.ts';

export interface JsonRpcCall {
  method: string;
  params?: readonly unknown[];
}

export class RpcResponseError extends IntentError {
  readonly rpcCode: number;
  constructor(method: string, rpcCode: number, message: string) {
    super('RPC_ERROR', `${method}: ${message}`);
    this.name = 'RpcResponseError';
    this.rpcCode = rpcCode;
  }
}

interface JsonRpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Redacts credentials and query strings from an RPC URL before it appears in a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : '/…'}`;
  } catch {
    return '(invalid url)';
  }
}

export class JsonRpcClient {
  readonly url: string;
  readonly timeoutMs: number;
  #id = 0;

  constructor(url: string, timeoutMs = 10_000) {
    this.url = url;
    this.timeoutMs = timeoutMs;
  }

  async #post(body: unknown, what: string, timeoutMs: number): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new IntentError(
          'TIMEOUT',
          `${what}: no answer from ${redactUrl(this.url)} within ${timeoutMs} ms`,
        );
      }
      throw new IntentError('RPC_UNAVAILABLE', `${what}: cannot reach ${redactUrl(this.url)}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      throw new IntentError(
        'RPC_UNAVAILABLE',
        `${what}: ${redactUrl(this.url)} answered HTTP ${response.status}`,
      );
    }
    try {
      return await response.json();
    } catch (error) {
      throw new IntentError(
        'RPC_UNAVAILABLE',
        `${what}: ${redactUrl(this.url)} sent a body that is not JSON`,
        {
          cause: error,
        },
      );
    }
  }

  /** Calls one method; throws RpcResponseError when the node answers with an error. */
  async request<T = unknown>(
    method: string,
    params: readonly unknown[] = [],
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const id = ++this.#id;
    const body = (await this.#post(
      { jsonrpc: '2.0', id, method, params },
      method,
      timeoutMs,
    )) as JsonRpcResponse;
    if (body?.error) throw new RpcResponseError(method, body.error.code, body.error.message);
    if (!body || !('result' in body)) throw new IntentError('RPC_ERROR', `${method}: answer without result`);
    return body.result as T;
  }

  /**
   * Sends several calls in one HTTP request (JSON-RPC batch); results in call order, each either
   * the result or the RpcResponseError for that call.
   */
  async batch(
    calls: readonly JsonRpcCall[],
    timeoutMs = this.timeoutMs,
  ): Promise<(unknown | RpcResponseError)[]> {
    if (calls.length === 0) return [];
    const first = ++this.#id;
    this.#id += calls.length;
    const body = calls.map((c, i) => ({
      jsonrpc: '2.0',
      id: first + i,
      method: c.method,
      params: c.params ?? [],
    }));
    const what = calls.map((c) => c.method).join(',');
    const answer = await this.#post(body, what, timeoutMs);
    if (!Array.isArray(answer)) {
      const err = (answer as JsonRpcResponse)?.error;
      throw new RpcResponseError(what, err?.code ?? -1, err?.message ?? 'batch answer is not an array');
    }
    const byId = new Map<number, JsonRpcResponse>();
    for (const r of answer as JsonRpcResponse[]) if (typeof r?.id === 'number') byId.set(r.id, r);
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (!r) return new RpcResponseError(c.method, -1, 'missing from batch answer');
      if (r.error) return new RpcResponseError(c.method, r.error.code, r.error.message);
      return r.result;
    });
  }
}
