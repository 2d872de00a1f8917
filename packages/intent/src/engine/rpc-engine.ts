// RpcEngine: the upstream node simulates by itself — debug_traceCall (callTracer + prestate diff)
// when it exposes the debug namespace, else eth_simulateV1 (status, gas, logs and ETH transfers,
// no call tree). One round trip per simulation and no local state; used as the second opinion
// next to ForkEngine (a disagreement between them is a finding), or alone where no fork is wanted.
import { defaultRegistry } from '../decode/registry.ts';
import { decodeRevertReason } from '../decode/revert.ts';
import { IntentError } from '../errors.ts';
import type { Address, EventLog, Hex, SimulationBlock } from '../types.ts';
import {
  type RawSimulation,
  type SimulateOptions,
  type SimulationEngine,
  type SimulationInput,
  withDeadline,
} from './engine.ts';
import { JsonRpcClient, RpcResponseError } from './json-rpc.ts';
import { CachedStateReader } from './state-reader.ts';
import { rpcCallObject, traceCall, tracedSimulation } from './traced-call.ts';

export type RpcEngineMode = 'auto' | 'debug_traceCall' | 'eth_simulateV1';

export interface RpcEngineParameters {
  url: string;
  chainId?: number;
  timeoutMs?: number;
  /** 'auto' (default): debug_traceCall, falling back to eth_simulateV1 when the node lacks it. */
  mode?: RpcEngineMode;
}

/** eth_simulateV1 marks native transfers (traceTransfers) as ERC-20-style logs from this address. */
const ETH_TRANSFER_PSEUDO_TOKEN = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

const METHOD_MISSING =
  /not found|does not exist|not supported|unsupported|not available|unknown method|method not allowed/i;

export class RpcEngine implements SimulationEngine {
  readonly name = 'rpc';
  readonly #params: RpcEngineParameters;
  readonly #client: JsonRpcClient;
  readonly #timeoutMs: number;
  #mode: RpcEngineMode;
  #chainId?: number;
  readonly #readers = new Map<bigint, CachedStateReader>();

  constructor(params: RpcEngineParameters) {
    this.#params = params;
    this.#timeoutMs = params.timeoutMs ?? 10_000;
    this.#client = new JsonRpcClient(params.url, this.#timeoutMs);
    this.#mode = params.mode ?? 'auto';
  }

  /** The method in use: 'debug_traceCall' or 'eth_simulateV1' ('auto' until the first simulation). */
  get mode(): RpcEngineMode {
    return this.#mode;
  }

  simulate(input: SimulationInput, options: SimulateOptions = {}): Promise<RawSimulation> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return withDeadline(this.#simulate(input, timeoutMs), timeoutMs, 'rpc simulation');
  }

  async #simulate(input: SimulationInput, timeoutMs: number): Promise<RawSimulation> {
    if (this.#chainId === undefined) {
      const id = Number(BigInt(await this.#client.request<string>('eth_chainId', [], timeoutMs)));
      if (this.#params.chainId !== undefined && id !== this.#params.chainId) {
        throw new IntentError(
          'UNSUPPORTED_CHAIN',
          `the RPC serves chain ${id}, expected chain ${this.#params.chainId}`,
        );
      }
      this.#chainId = id;
    }
    if (input.chainId !== this.#chainId) {
      throw new IntentError(
        'UNSUPPORTED_CHAIN',
        `this engine simulates chain ${this.#chainId}, not chain ${input.chainId}`,
      );
    }
    const number =
      input.blockNumber ?? BigInt(await this.#client.request<string>('eth_blockNumber', [], timeoutMs));
    const tag = `0x${number.toString(16)}`;
    const blockPromise = this.#block(tag, timeoutMs);
    let reader = this.#readers.get(number);
    if (!reader) {
      // Keep readers for a few recent blocks only.
      if (this.#readers.size > 4) this.#readers.delete(this.#readers.keys().next().value as bigint);
      reader = new CachedStateReader(this.#client, tag, timeoutMs, this.#params.url);
      this.#readers.set(number, reader);
    }
    const registry = defaultRegistry();
    if (this.#mode !== 'eth_simulateV1') {
      try {
        const traced = await traceCall(this.#client, input, tag, timeoutMs, (s) => registry.nameOf(s));
        this.#mode = 'debug_traceCall';
        return tracedSimulation(this.name, traced, await blockPromise, reader);
      } catch (error) {
        const missing =
          error instanceof RpcResponseError &&
          (error.rpcCode === -32601 || METHOD_MISSING.test(error.message));
        if (!(missing && this.#mode === 'auto')) throw error;
        this.#mode = 'eth_simulateV1';
      }
    }
    return this.#simulateV1(input, tag, reader, await blockPromise, timeoutMs);
  }

  async #simulateV1(
    input: SimulationInput,
    tag: string,
    reader: CachedStateReader,
    block: SimulationBlock,
    timeoutMs: number,
  ): Promise<RawSimulation> {
    type SimCall = {
      status: string;
      gasUsed: string;
      returnData: string;
      logs?: { address: string; topics: string[]; data: string }[];
      error?: { code: number; message: string; data?: string };
    };
    const result = await this.#client.request<{ calls: SimCall[] }[]>(
      'eth_simulateV1',
      [
        { blockStateCalls: [{ calls: [rpcCallObject(input)] }], traceTransfers: true, validation: false },
        tag,
      ],
      timeoutMs,
    );
    const call = result?.[0]?.calls?.[0];
    if (!call) throw new IntentError('ENGINE_FAILED', 'eth_simulateV1 returned no call result');
    const ok = BigInt(call.status) === 1n;
    const logs: EventLog[] = [];
    const nativeTransfers: NonNullable<RawSimulation['nativeTransfers']> = [];
    for (const l of call.logs ?? []) {
      const address = l.address.toLowerCase() as Address;
      if (address === ETH_TRANSFER_PSEUDO_TOKEN && l.topics[0]?.toLowerCase() === TRANSFER_TOPIC) {
        nativeTransfers.push({
          from: `0x${l.topics[1]!.slice(26)}`.toLowerCase() as Address,
          to: `0x${l.topics[2]!.slice(26)}`.toLowerCase() as Address,
          value: BigInt(l.data),
        });
        continue;
      }
      logs.push({
        address,
        topics: l.topics.map((t) => t.toLowerCase() as Hex),
        data: l.data.toLowerCase() as Hex,
        framePath: '0',
        index: logs.length,
      });
    }
    const sim: RawSimulation = {
      engine: this.name,
      status: ok ? 'ok' : 'reverted',
      block,
      gasUsed: BigInt(call.gasUsed),
      returnData: (call.returnData ?? '0x').toLowerCase() as Hex,
      trace: [],
      logs,
      storageChanges: [],
      codeChanges: [],
      complete: false,
      nativeTransfers,
      reader,
    };
    if (!ok) {
      const registry = defaultRegistry();
      sim.revertReason =
        decodeRevertReason(call.error?.data ?? call.returnData, (s) => registry.nameOf(s)) ??
        call.error?.message ??
        'reverted';
    }
    return sim;
  }

  async #block(tag: string, timeoutMs: number): Promise<SimulationBlock> {
    const b = await this.#client.request<{ number: string; hash: string; timestamp: string } | null>(
      'eth_getBlockByNumber',
      [tag, false],
      timeoutMs,
    );
    if (!b) throw new IntentError('RPC_ERROR', `block ${BigInt(tag)} not found`);
    return {
      number: BigInt(b.number).toString(),
      hash: b.hash.toLowerCase() as Hex,
      timestamp: BigInt(b.timestamp).toString(),
    };
  }

  async close(): Promise<void> {
    this.#readers.clear();
  }
}
