// Reads against one fixed block (the simulated block's pre-state), cached: the state of a block
// never changes, so a token's symbol or an account's code is fetched once per block.
import type { Address, Hex } from '../types.ts';
import type { StateReader } from './engine.ts';
import { type JsonRpcCall, type JsonRpcClient, RpcResponseError } from './json-rpc.ts';

export class CachedStateReader implements StateReader {
  readonly #client: JsonRpcClient;
  readonly #blockTag: string;
  readonly #cache = new Map<string, Hex | undefined>();
  readonly #timeoutMs: number;
  readonly scope: string;
  /**
   * Where to read code of accounts the fork has not loaded: the upstream at the same block (one
   * eth_getCode) instead of the fork (which would fetch balance, nonce and code: three calls).
   */
  readonly #codeSource?: { client: JsonRpcClient; blockTag: string; loaded: ReadonlySet<string> };

  constructor(
    client: JsonRpcClient,
    blockTag: string,
    timeoutMs: number,
    scope: string,
    codeSource?: { client: JsonRpcClient; blockTag: string; loaded: ReadonlySet<string> },
  ) {
    this.scope = scope;
    if (codeSource) this.#codeSource = codeSource;
    this.#client = client;
    this.#blockTag = blockTag;
    this.#timeoutMs = timeoutMs;
  }

  async #fetch(
    keys: string[],
    make: (key: string) => JsonRpcCall,
    failed: (e: RpcResponseError) => Hex | undefined,
    client: (key: string) => JsonRpcClient = () => this.#client,
  ) {
    const missing = [...new Set(keys.filter((k) => !this.#cache.has(k)))];
    if (missing.length > 0) {
      const groups = new Map<JsonRpcClient, string[]>();
      for (const k of missing) {
        const c = client(k);
        groups.set(c, [...(groups.get(c) ?? []), k]);
      }
      const answers = await Promise.all([...groups].map(([c, ks]) => c.batch(ks.map(make), this.#timeoutMs)));
      const byKey = new Map<string, unknown>();
      [...groups.values()].forEach((ks, g) => {
        ks.forEach((k, i) => {
          byKey.set(k, answers[g]![i]);
        });
      });
      const results = missing.map((k) => byKey.get(k));
      missing.forEach((k, i) => {
        const r = results[i];
        if (r instanceof RpcResponseError) {
          // A revert is an answer ("not a token"); other node errors are not cached.
          const value = failed(r);
          if (/revert|execution/i.test(r.message)) this.#cache.set(k, value);
        } else this.#cache.set(k, typeof r === 'string' ? (r.toLowerCase() as Hex) : undefined);
      });
    }
    return keys.map((k) => this.#cache.get(k));
  }

  calls(requests: readonly { to: Address; data: Hex }[]): Promise<(Hex | undefined)[]> {
    return this.#fetch(
      requests.map((r) => `call:${r.to}:${r.data}`),
      (k) => {
        const [, to, data] = k.split(':');
        return { method: 'eth_call', params: [{ to, data }, this.#blockTag] };
      },
      () => undefined,
    );
  }

  async codes(addresses: readonly Address[]): Promise<Hex[]> {
    const source = this.#codeSource;
    const upstream = (k: string) => source !== undefined && !source.loaded.has(k.slice(5));
    const out = await this.#fetch(
      addresses.map((a) => `code:${a}`),
      (k) => ({
        method: 'eth_getCode',
        params: [k.slice(5), upstream(k) ? source!.blockTag : this.#blockTag],
      }),
      () => '0x',
      (k) => (upstream(k) ? source!.client : this.#client),
    );
    return out.map((c) => c ?? '0x');
  }
}
