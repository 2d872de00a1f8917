// `cairn simulate` logic (the CLI module stays thin): simulate a transaction or analyse a typed-data
// file against an RPC, with the embedded engine (a local anvil fork of that RPC) or the RPC's own
// tracer, and return the report with its rendering.
import { readFileSync } from 'node:fs';
import { analyzeTransaction, analyzeTypedData } from './analyze.ts';
import type { SimulationEngine } from './engine/engine.ts';
import { ForkEngine } from './engine/fork-engine.ts';
import { JsonRpcClient } from './engine/json-rpc.ts';
import { RpcEngine } from './engine/rpc-engine.ts';
import { CachedStateReader } from './engine/state-reader.ts';
import { IntentError } from './errors.ts';
import { FileListStore } from './lists/list-store.ts';
import { renderReport } from './render.ts';
import { EMPTY_LISTS, type AddressLists, type IntentResult } from './types.ts';

export interface SimulateCommandParameters {
  rpc?: string;
  chainId?: number;
  /** 'fork' (default: local anvil fork of --rpc) or 'rpc' (the node's debug_traceCall / eth_simulateV1). */
  engine?: 'fork' | 'rpc';
  /** Also run the other engine and compare. */
  secondOpinion?: boolean;
  timeoutMs?: number;
  blockNumber?: bigint;
  lists?: { addressBook?: string; allowlist?: string; blocklists?: readonly string[] };
  transaction?: { from: string; to?: string; value?: string; data?: string };
  typedData?: { file: string; signer: string };
}

export interface SimulateCommandResult extends IntentResult {
  text: string;
}

async function chainIdOf(
  rpc: string | undefined,
  given: number | undefined,
  timeoutMs: number,
): Promise<number> {
  if (given !== undefined) return given;
  if (!rpc) throw new IntentError('INVALID_INPUT', 'pass --chain-id (or --rpc to ask the node)');
  const id = await new JsonRpcClient(rpc, timeoutMs).request<string>('eth_chainId');
  return Number(BigInt(id));
}

export async function runSimulateCommand(p: SimulateCommandParameters): Promise<SimulateCommandResult> {
  const timeoutMs = p.timeoutMs ?? 15_000;
  let lists: AddressLists = EMPTY_LISTS;
  if (p.lists && (p.lists.addressBook || p.lists.allowlist || p.lists.blocklists?.length)) {
    lists = new FileListStore(p.lists).snapshot();
  }
  if (p.typedData) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(p.typedData.file, 'utf8'));
    } catch (error) {
      throw new IntentError(
        'INVALID_INPUT',
        `cannot read typed data from ${p.typedData.file}: ${(error as Error).message}`,
      );
    }
    const domainChain = (json as { domain?: { chainId?: unknown } })?.domain?.chainId;
    const chainId =
      p.chainId ??
      (typeof domainChain === 'number' || typeof domainChain === 'string'
        ? Number(BigInt(domainChain))
        : await chainIdOf(p.rpc, undefined, timeoutMs));
    const reader = p.rpc
      ? new CachedStateReader(new JsonRpcClient(p.rpc, timeoutMs), 'latest', timeoutMs, p.rpc)
      : undefined;
    const result = await analyzeTypedData(
      { kind: 'typed-data', chainId, signer: p.typedData.signer, typedData: json },
      { lists, ...(reader ? { reader } : {}) },
    );
    return { ...result, text: renderReport(result.report, result.digest) };
  }
  if (!p.transaction)
    throw new IntentError('INVALID_INPUT', 'nothing to simulate: give --from/--to or --typed-data');
  let chainId: number;
  try {
    chainId = await chainIdOf(p.rpc, p.chainId, timeoutMs);
  } catch (error) {
    if (error instanceof IntentError && error.code === 'INVALID_INPUT') throw error;
    throw new IntentError(
      'RPC_UNAVAILABLE',
      `cannot ask the RPC for its chain id (pass --chain-id to get a fail-closed report): ${(error as Error).message}`,
    );
  }
  const engines: SimulationEngine[] = [];
  const make = (kind: 'fork' | 'rpc'): SimulationEngine | undefined => {
    if (!p.rpc) return undefined;
    const e =
      kind === 'fork'
        ? new ForkEngine({ upstreamUrl: p.rpc, chainId, timeoutMs, headRefreshMs: 0 })
        : new RpcEngine({ url: p.rpc, chainId, timeoutMs });
    engines.push(e);
    return e;
  };
  try {
    const primaryKind = p.engine ?? 'fork';
    const engine = make(primaryKind);
    const second = p.secondOpinion ? make(primaryKind === 'fork' ? 'rpc' : 'fork') : undefined;
    const result = await analyzeTransaction(
      { kind: 'transaction', chainId, ...p.transaction },
      {
        ...(engine ? { engine } : {}),
        ...(second ? { secondOpinion: second } : {}),
        lists,
        timeoutMs,
        ...(p.blockNumber !== undefined ? { blockNumber: p.blockNumber } : {}),
      },
    );
    return { ...result, text: renderReport(result.report, result.digest) };
  } finally {
    await Promise.all(engines.map((e) => e.close()));
  }
}
