// ForkEngine: simulation on a local anvil that forks the upstream RPC at a pinned block.
//
// Why (measured; see docs/intent.md): `anvil --fork-url` caches every account and slot it
// fetches, so once a block's state is warm a simulation is one local round trip (~1 ms) with no
// upstream calls, and a cold ERC-20 transfer costs ~11 upstream calls. One long-lived anvil per
// engine is pinned with --fork-block-number; when the upstream head moves, `anvil_reset` re-forks
// it at the new block (cache dropped: state at the new block may differ). The head is asked of
// the upstream at most once per `headRefreshMs`, so warm simulations at an unchanged block make
// no upstream call at all. anvil reaches the upstream through a ForkUpstream (fork-upstream.ts),
// which serves the fork block the head check already fetched and answers each account's balance,
// nonce and code with one upstream call, so a cold fork costs a fixed, small number of calls.
import { type Anvil, startAnvil } from '@cairn/chains';
import { defaultRegistry } from '../decode/registry.ts';
import { IntentError } from '../errors.ts';
import type { SimulationBlock } from '../types.ts';
import {
  type RawSimulation,
  type SimulateOptions,
  type SimulationEngine,
  type SimulationInput,
  withDeadline,
} from './engine.ts';
import { ForkUpstream } from './fork-upstream.ts';
import { JsonRpcClient, redactUrl } from './json-rpc.ts';
import { CachedStateReader } from './state-reader.ts';
import { traceCall, tracedSimulation } from './traced-call.ts';

export interface ForkEngineParameters {
  /** The chain's RPC (a real node, or a devnet). Never logged with credentials. */
  upstreamUrl: string;
  /** Expected chain id; a request for another chain fails with UNSUPPORTED_CHAIN. Default: the upstream's. */
  chainId?: number;
  /** Budget of one simulation, including a re-fork (default 10 s). */
  timeoutMs?: number;
  /** How long a known upstream head is trusted before asking again (default 1000 ms; 0 = every time). */
  headRefreshMs?: number;
  /** Extra anvil arguments. */
  anvilArgs?: readonly string[];
}

interface Fork {
  anvil: Anvil;
  client: JsonRpcClient;
  blockNumber: bigint;
  /** Accounts the fork has loaded (touched by a traced call), so reading them is free. */
  loaded: Set<string>;
  block?: SimulationBlock;
  reader: CachedStateReader;
}

export interface ForkEngineStats {
  simulations: number;
  /** anvil processes started. */
  spawns: number;
  /** anvil_reset to a new block. */
  resets: number;
  /** Head / chain-id requests the engine made itself (anvil's own upstream calls are not counted here). */
  headChecks: number;
}

export class ForkEngine implements SimulationEngine {
  readonly name = 'fork';
  readonly stats: ForkEngineStats = { simulations: 0, spawns: 0, resets: 0, headChecks: 0 };
  readonly #params: ForkEngineParameters;
  readonly #upstream: JsonRpcClient;
  readonly #timeoutMs: number;
  #chainId?: Promise<number>;
  #head?: { block: SimulationBlock; raw: unknown; at: number };
  #proxy?: Promise<ForkUpstream>;
  #fork?: Fork;
  /** Serialises fork switches; simulations wait for it. */
  #switching: Promise<unknown> = Promise.resolve();
  #active = 0;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(params: ForkEngineParameters) {
    this.#params = params;
    this.#timeoutMs = params.timeoutMs ?? 10_000;
    this.#upstream = new JsonRpcClient(params.upstreamUrl, this.#timeoutMs);
  }

  /** The block the fork currently sits on (undefined before the first simulation). */
  get forkBlock(): bigint | undefined {
    return this.#fork?.blockNumber;
  }

  async simulate(input: SimulationInput, options: SimulateOptions = {}): Promise<RawSimulation> {
    if (this.#closed) throw new IntentError('ENGINE_FAILED', 'the fork engine is closed');
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return withDeadline(this.#simulate(input, timeoutMs), timeoutMs, 'fork simulation');
  }

  async #simulate(input: SimulationInput, timeoutMs: number): Promise<RawSimulation> {
    const chainId = await this.#upstreamChainId();
    if (input.chainId !== chainId) {
      throw new IntentError(
        'UNSUPPORTED_CHAIN',
        `this engine simulates chain ${chainId}, not chain ${input.chainId}`,
      );
    }
    const target = input.blockNumber ?? (await this.#headBlock());
    const fork = await this.#acquire(target, input);
    try {
      this.stats.simulations++;
      const registry = defaultRegistry();
      const [traced, block] = await Promise.all([
        traceCall(fork.client, input, 'latest', timeoutMs, (s) => registry.nameOf(s)),
        this.#blockOf(fork, timeoutMs),
      ]);
      for (const f of traced.frames) {
        fork.loaded.add(f.from);
        fork.loaded.add(f.to);
      }
      return tracedSimulation(this.name, traced, block, fork.reader);
    } finally {
      this.#release();
    }
  }

  #upstreamChainId(): Promise<number> {
    this.#chainId ??= (async () => {
      this.stats.headChecks++;
      const id = Number(BigInt(await this.#upstream.request<string>('eth_chainId')));
      if (this.#params.chainId !== undefined && id !== this.#params.chainId) {
        throw new IntentError(
          'UNSUPPORTED_CHAIN',
          `${redactUrl(this.#params.upstreamUrl)} serves chain ${id}, expected chain ${this.#params.chainId}`,
        );
      }
      return id;
    })();
    // A failed probe is retried on the next simulation (the RPC may come back).
    this.#chainId.catch(() => {
      this.#chainId = undefined;
    });
    return this.#chainId;
  }

  /**
   * The upstream head, asked at most once per headRefreshMs. One `eth_getBlockByNumber('latest')`
   * gives number, hash and timestamp together (the report records them), so the fork itself is
   * never asked for its block (anvil would fetch the full block with transactions from upstream).
   */
  async #headBlock(): Promise<bigint> {
    const refresh = this.#params.headRefreshMs ?? 1000;
    if (this.#head && Date.now() - this.#head.at < refresh) return BigInt(this.#head.block.number);
    this.stats.headChecks++;
    const { block, raw } = await this.#upstreamBlock('latest');
    this.#head = { block, raw, at: Date.now() };
    return BigInt(block.number);
  }

  async #upstreamBlock(
    tag: string,
    timeoutMs = this.#timeoutMs,
  ): Promise<{ block: SimulationBlock; raw: unknown }> {
    const b = await this.#upstream.request<{ number: string; hash: string; timestamp: string } | null>(
      'eth_getBlockByNumber',
      [tag, false],
      timeoutMs,
    );
    if (!b) throw new IntentError('RPC_ERROR', `the upstream has no block ${tag}`);
    const block: SimulationBlock = {
      number: BigInt(b.number).toString(),
      hash: b.hash.toLowerCase() as `0x${string}`,
      timestamp: BigInt(b.timestamp).toString(),
    };
    return { block, raw: b };
  }

  /** The coinbase of `block` when the head check fetched it (EIP-3651: every trace loads it). */
  #coinbase(block: bigint): string | undefined {
    const head = this.#head;
    if (!head || BigInt(head.block.number) !== block) return undefined;
    const miner = (head.raw as { miner?: unknown }).miner;
    return typeof miner === 'string' ? miner : undefined;
  }

  /** The fork's upstream proxy (started once), with its cache narrowed to `block`. */
  async #forkUpstream(block: bigint): Promise<ForkUpstream> {
    this.#proxy ??= ForkUpstream.start({ upstreamUrl: this.#params.upstreamUrl, timeoutMs: this.#timeoutMs });
    const proxy = await this.#proxy;
    proxy.retain(block);
    const head = this.#head;
    if (head && BigInt(head.block.number) === block) proxy.seedBlock(block, false, head.raw);
    return proxy;
  }

  /** Waits for a fork at `block` and registers an active simulation on it. */
  async #acquire(block: bigint, input: SimulationInput): Promise<Fork> {
    for (;;) {
      await this.#switching;
      const fork = this.#fork;
      if (fork && fork.blockNumber === block && fork.anvil.process.exitCode === null) {
        this.#active++;
        return fork;
      }
      const switching = this.#switchTo(block, input);
      this.#switching = switching.catch(() => undefined);
      await switching;
    }
  }

  #release() {
    this.#active--;
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #switchTo(block: bigint, input: SimulationInput): Promise<void> {
    if (this.#fork?.blockNumber === block && this.#fork.anvil.process.exitCode === null) return;
    if (this.#active > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    const fork = this.#fork;
    const proxy = await this.#forkUpstream(block);
    // Latency only (the calls are the ones anvil makes next anyway): while anvil re-forks, the
    // accounts every trace of this input loads — sender, target, the block's coinbase — are
    // already on their way into the proxy's cache.
    proxy.prefetchAccounts([input.from, input.to, this.#coinbase(block)], block);
    if (fork && fork.anvil.process.exitCode === null) {
      this.stats.resets++;
      await fork.client.request('anvil_reset', [
        { forking: { jsonRpcUrl: proxy.url, blockNumber: Number(block) } },
      ]);
      this.#fork = this.#makeFork(fork.anvil, fork.client, block, proxy);
      return;
    }
    this.#fork = undefined;
    const chainId = await this.#upstreamChainId();
    let anvil: Anvil;
    try {
      this.stats.spawns++;
      anvil = await startAnvil({
        chainId,
        forkUrl: proxy.url,
        forkBlockNumber: block,
        readyTimeoutMs: this.#timeoutMs,
        args: [
          // No dev accounts: prefunding them would fetch 10 accounts from upstream per fork.
          '--accounts',
          '0',
          '--fork-chain-id',
          String(chainId),
          '--no-rate-limit',
          // In-memory cache only: nothing written under ~/.foundry, cold means cold.
          '--no-storage-caching',
          '--retries',
          '1',
          '--timeout',
          String(Math.min(this.#timeoutMs, 30_000)),
          ...(this.#params.anvilArgs ?? []),
        ],
      });
    } catch (error) {
      throw new IntentError(
        'RPC_UNAVAILABLE',
        `cannot fork ${redactUrl(this.#params.upstreamUrl)} at block ${block}`,
        {
          cause: error,
        },
      );
    }
    if (this.#closed) {
      await anvil.stop();
      throw new IntentError('ENGINE_FAILED', 'the fork engine is closed');
    }
    const client = new JsonRpcClient(anvil.rpcUrl, this.#timeoutMs);
    this.#fork = this.#makeFork(anvil, client, block, proxy);
  }

  #makeFork(anvil: Anvil, client: JsonRpcClient, blockNumber: bigint, proxy: ForkUpstream): Fork {
    const loaded = new Set<string>();
    // Code of accounts the fork has not loaded: through the proxy at the fork block (one call, or
    // none when anvil already fetched that account).
    const reader = new CachedStateReader(client, 'latest', this.#timeoutMs, this.#scope(), {
      client: new JsonRpcClient(proxy.url, this.#timeoutMs),
      blockTag: `0x${blockNumber.toString(16)}`,
      loaded,
    });
    return { anvil, client, blockNumber, loaded, reader };
  }

  /** The header of the fork's block: from the head check when it is that block, else asked once. */
  async #blockOf(fork: Fork, timeoutMs: number): Promise<SimulationBlock> {
    if (fork.block) return fork.block;
    const head = this.#head?.block;
    const block =
      head && BigInt(head.number) === fork.blockNumber
        ? head
        : (await this.#upstreamBlock(`0x${fork.blockNumber.toString(16)}`, timeoutMs)).block;
    if (this.#fork === fork) fork.block = block;
    return block;
  }

  #scope(): string {
    return this.#params.upstreamUrl;
  }

  /** Drops the known head so the next simulation asks the upstream (e.g. after a new block). */
  invalidateHead(): void {
    this.#head = undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const fork = this.#fork;
    this.#fork = undefined;
    await fork?.anvil.stop();
    const proxy = this.#proxy;
    this.#proxy = undefined;
    await proxy?.then(
      (p) => p.close(),
      () => undefined,
    );
  }
}
