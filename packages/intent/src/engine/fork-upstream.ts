// ForkUpstream: the upstream RPC as the fork (anvil) sees it — a JSON-RPC proxy on 127.0.0.1 that
// answers every read pinned to an explicit block from one per-block cache and coalesces what anvil
// asks in several calls into one upstream call.
//
// Why (measured; see docs/intent.md): a cold anvil fork asks the upstream for the fork block three
// times (`eth_getBlockByNumber` N/false, N/true, N/false) right after the engine's own head check
// fetched that very block, and loads accounts either with one `eth_getAccountInfo` or with
// `eth_getBalance` + `eth_getTransactionCount` + `eth_getCode` — often both for the first account
// it touches. Behind this proxy each distinct fact costs at most one upstream call per block:
//   - `eth_getBlockByNumber(N, full)`: cached per (N, full); the engine seeds it with its head check.
//   - balance, nonce and code of an account at N: one `eth_getAccountInfo` serves all three (when the
//     upstream does not implement it, the three calls are forwarded and cached one by one).
//   - `eth_getStorageAt` at N, `eth_chainId`: cached.
// Everything else (and every read at a tag such as `latest`) is forwarded unchanged. State at a
// given block number never changes, so serving it from the cache returns exactly what the upstream
// would. Errors are never cached. A side effect: anvil is given this local URL, so credentials in
// the upstream URL never appear in anvil's command line.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntentError } from '../errors.ts';
import { JsonRpcClient, RpcResponseError } from './json-rpc.ts';

export interface ForkUpstreamParameters {
  upstreamUrl: string;
  /** Budget of one upstream call (default 10 s). */
  timeoutMs?: number;
  /** Cached answers kept per block at most (default 20 000); that block's cache is cleared when exceeded. */
  maxEntries?: number;
}

interface RpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

type Outcome = { result: unknown } | { error: { code: number; message: string } };

const MAX_BODY = 1 << 20;
const BLOCK_NUMBER = /^0x[0-9a-f]{1,16}$/i;
const ADDRESS = /^0x[0-9a-f]{40}$/i;
const ACCOUNT_FIELD = {
  eth_getBalance: 'balance',
  eth_getTransactionCount: 'nonce',
  eth_getCode: 'code',
} as const;

/** The block number of an explicit hex block tag; undefined for tags such as `latest`. */
function pinnedBlock(tag: unknown): bigint | undefined {
  return typeof tag === 'string' && BLOCK_NUMBER.test(tag) ? BigInt(tag) : undefined;
}

const isAddress = (a: unknown): a is string => typeof a === 'string' && ADDRESS.test(a);

/** True when an upstream error says the method does not exist (so a fallback is in order). */
function isUnsupported(error: RpcResponseError): boolean {
  return (
    error.rpcCode === -32601 ||
    /method .*(not found|not supported|does not exist)|unsupported method/i.test(error.message)
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class ForkUpstream {
  readonly #client: JsonRpcClient;
  readonly #maxEntries: number;
  readonly #server: Server;
  /** Answers per block number (state at a block never changes), then per request. */
  readonly #blocks = new Map<bigint, Map<string, Promise<unknown>>>();
  #chainId?: Promise<unknown>;
  /** Whether the upstream implements eth_getAccountInfo (undefined: not known yet). */
  #accountInfo: boolean | undefined;
  #url = '';

  private constructor(params: ForkUpstreamParameters) {
    this.#client = new JsonRpcClient(params.upstreamUrl, params.timeoutMs ?? 10_000);
    this.#maxEntries = params.maxEntries ?? 20_000;
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
        () => res.writeHead(400).end(),
      );
    });
  }

  /** Starts the proxy on a free port on 127.0.0.1. */
  static async start(params: ForkUpstreamParameters): Promise<ForkUpstream> {
    const proxy = new ForkUpstream(params);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.#url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** The URL to give anvil as its fork URL. */
  get url(): string {
    return this.#url;
  }

  /** Seeds the answer to `eth_getBlockByNumber(number, full)` with a block already fetched. */
  seedBlock(number: bigint, full: boolean, block: unknown): void {
    this.#cacheOf(number).set(`block:${full}`, Promise.resolve(block));
  }

  /**
   * Starts loading accounts at `block` into the cache (one eth_getAccountInfo each, in parallel),
   * so that anvil's requests for them find the answer in flight. Only when the upstream is known
   * to implement eth_getAccountInfo or not known yet; failures are dropped (anvil asks again).
   */
  prefetchAccounts(addresses: readonly (string | undefined)[], block: bigint): void {
    if (this.#accountInfo === false) return;
    for (const a of new Set(addresses.filter(isAddress).map((x) => x.toLowerCase()))) {
      this.#accountRead('eth_getAccountInfo', a, block).catch(() => undefined);
    }
  }

  /** Drops every cached answer that is not about `block` (the fork moved on). */
  retain(block: bigint): void {
    for (const number of this.#blocks.keys()) if (number !== block) this.#blocks.delete(number);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
    const batch = Array.isArray(parsed);
    const calls = (batch ? parsed : [parsed]) as RpcRequest[];
    const answers = await Promise.all(
      calls.map(async (call) => {
        const outcome = await this.#answer(call);
        return { jsonrpc: '2.0', id: call?.id ?? null, ...outcome };
      }),
    );
    return JSON.stringify(batch ? answers : answers[0]);
  }

  async #answer(call: RpcRequest): Promise<Outcome> {
    if (!call || typeof call !== 'object' || typeof call.method !== 'string')
      return { error: { code: -32600, message: 'invalid request' } };
    const params = Array.isArray(call.params) ? call.params : [];
    try {
      return { result: await this.#route(call.method, params) };
    } catch (error) {
      if (error instanceof RpcResponseError) {
        return { error: { code: error.rpcCode, message: error.message.replace(/^[^:]*: /, '') } };
      }
      const message = error instanceof IntentError ? error.message : 'upstream request failed';
      return { error: { code: -32603, message } };
    }
  }

  #route(method: string, params: unknown[]): Promise<unknown> {
    const forward = () => this.#forward(method, params);
    if (method === 'eth_chainId') {
      this.#chainId ??= forward();
      this.#chainId.catch(() => {
        this.#chainId = undefined;
      });
      return this.#chainId;
    }
    if (method === 'eth_getBlockByNumber' && params.length === 2) {
      const block = pinnedBlock(params[0]);
      if (block !== undefined && typeof params[1] === 'boolean')
        return this.#cached(block, `block:${params[1]}`, forward);
    }
    if ((method in ACCOUNT_FIELD || method === 'eth_getAccountInfo') && params.length === 2) {
      const block = pinnedBlock(params[1]);
      if (block !== undefined && isAddress(params[0]))
        return this.#accountRead(method, params[0].toLowerCase(), block);
    }
    if (method === 'eth_getStorageAt' && params.length === 3) {
      const [address, slot] = params;
      const block = pinnedBlock(params[2]);
      if (block !== undefined && isAddress(address) && typeof slot === 'string')
        return this.#cached(block, `slot:${address.toLowerCase()}:${BigInt(slot)}`, forward);
    }
    return forward();
  }

  /** Balance, nonce, code or all three of an account at a block: one eth_getAccountInfo when possible. */
  async #accountRead(method: string, address: string, block: bigint): Promise<unknown> {
    const tag = `0x${block.toString(16)}`;
    if (this.#accountInfo !== false) {
      try {
        const info = (await this.#cached(block, `account:${address}`, () =>
          this.#forward('eth_getAccountInfo', [address, tag]),
        )) as { balance?: unknown; nonce?: unknown; code?: unknown } | null;
        this.#accountInfo = true;
        if (method === 'eth_getAccountInfo') return info;
        const value = info?.[ACCOUNT_FIELD[method as keyof typeof ACCOUNT_FIELD]];
        if (typeof value === 'string') return value;
        throw new IntentError('RPC_ERROR', `eth_getAccountInfo answered without ${method}`);
      } catch (error) {
        if (!(error instanceof RpcResponseError) || !isUnsupported(error)) throw error;
        this.#accountInfo = false;
        if (method === 'eth_getAccountInfo') throw error;
      }
    }
    // Known to be missing upstream: say so without asking again (anvil then asks for the three).
    if (method === 'eth_getAccountInfo')
      throw new RpcResponseError(method, -32601, 'the upstream does not implement eth_getAccountInfo');
    return this.#cached(block, `${method}:${address}`, () => this.#forward(method, [address, tag]));
  }

  #cacheOf(block: bigint): Map<string, Promise<unknown>> {
    const cache = this.#blocks.get(block) ?? new Map<string, Promise<unknown>>();
    this.#blocks.set(block, cache);
    return cache;
  }

  #cached(block: bigint, key: string, load: () => Promise<unknown>): Promise<unknown> {
    const cache = this.#cacheOf(block);
    const hit = cache.get(key);
    if (hit) return hit;
    if (cache.size >= this.#maxEntries) cache.clear();
    const pending = load();
    cache.set(key, pending);
    // Errors are not answers: the next read asks again.
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
    return pending;
  }

  #forward(method: string, params: unknown[]): Promise<unknown> {
    return this.#client.request(method, params);
  }
}
