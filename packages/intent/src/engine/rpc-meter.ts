// A counting (and optionally delaying) JSON-RPC proxy on 127.0.0.1 between a fork and its
// upstream RPC. It proves the fork's cache behaviour — warm simulations at an unchanged block make
// no upstream calls, a cold fork makes few — and lets the benchmark add RPC latency (e.g. 20 ms).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcMeter {
  /** URL to give the fork instead of the upstream URL. */
  readonly url: string;
  /** JSON-RPC calls forwarded so far (a batch counts each call). */
  readonly calls: number;
  /** Calls per method. */
  readonly byMethod: ReadonlyMap<string, number>;
  /** The last calls forwarded (method and params), newest last, for diagnostics. */
  readonly recent: readonly { method: string; params: unknown }[];
  /** HTTP round trips forwarded so far. */
  readonly roundTrips: number;
  reset(): void;
  /** Added to every round trip, in milliseconds. */
  latencyMs: number;
  /** When false, every request is answered with HTTP 503 (simulates an RPC outage). */
  up: boolean;
  close(): Promise<void>;
}

export interface StartRpcMeterParameters {
  upstreamUrl: string;
  latencyMs?: number;
  /**
   * Methods answered with JSON-RPC error -32601 (method not found) instead of being forwarded,
   * e.g. `eth_getAccountInfo` to stand in for a node that does not implement it (single, not batched,
   * requests). Counted as calls.
   */
  unsupportedMethods?: readonly string[];
}

/** Starts the proxy on a free port on 127.0.0.1. */
export async function startRpcMeter(params: StartRpcMeterParameters): Promise<RpcMeter> {
  const byMethod = new Map<string, number>();
  const recent: { method: string; params: unknown }[] = [];
  const state = { calls: 0, roundTrips: 0, latencyMs: params.latencyMs ?? 0, up: true };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (!state.up) {
        res.writeHead(503).end();
        return;
      }
      let unsupported: { id?: unknown; method?: string } | undefined;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { method?: string } | { method?: string }[];
        if (!Array.isArray(parsed) && params.unsupportedMethods?.includes(String(parsed?.method)))
          unsupported = parsed;
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
          const m = String(call?.method);
          recent.push({ method: m, params: (call as { params?: unknown })?.params });
          if (recent.length > 200) recent.shift();
          byMethod.set(m, (byMethod.get(m) ?? 0) + 1);
          state.calls++;
        }
      } catch {
        // forwarded as-is; the upstream answers the parse error
      }
      state.roundTrips++;
      if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
      if (unsupported) {
        const error = {
          code: -32601,
          message: `the method ${unsupported.method} does not exist/is not available`,
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: unsupported.id ?? null, error }));
        return;
      }
      try {
        const upstream = await fetch(params.upstreamUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await upstream.text();
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    get roundTrips() {
      return state.roundTrips;
    },
    byMethod,
    recent,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(v: number) {
      state.latencyMs = v;
    },
    get up() {
      return state.up;
    },
    set up(v: boolean) {
      state.up = v;
    },
    reset() {
      state.calls = 0;
      state.roundTrips = 0;
      byMethod.clear();
      recent.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
