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

  constructor(client: JsonRpcClient, blockTag: string, timeoutMs: number) {
    this.#client = client;
    this.#blockTag = blockTag;
    this.#timeoutMs = timeoutMs;
  }

  async #fetch(keys: string[], make: (key: string) => JsonRpcCall, failed: (e: RpcResponseError) => Hex | undefined) {
    const missing = [...new Set(keys.filter((k) => !this.#cache.has(k)))];
    if (missing.length > 0) {
      const results = await this.#client.batch(missing.map(make), this.#timeoutMs);
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
    const out = await this.#fetch(
      addresses.map((a) => `code:${a}`),
      (k) => ({ method: 'eth_getCode', params: [k.slice(5), this.#blockTag] }),
      () => '0x',
    );
    return out.map((c) => c ?? '0x');
  }
}
