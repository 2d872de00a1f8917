// The simulation engine interface: a request in, a traced execution against forked chain state
// out, pinned to the block it ran on. Implementations: ForkEngine (a long-lived anvil fork of
// the upstream RPC, cached per block) and RpcEngine (the upstream node's own debug_traceCall /
// eth_simulateV1, used as a second opinion or where no local fork is wanted).
import { IntentError } from '../errors.ts';
import type { Address, CallFrame, EventLog, Hex, SimulationBlock, StorageChange } from '../types.ts';

/** The transaction to simulate. */
export interface SimulationInput {
  chainId: number;
  from: Address;
  to?: Address;
  value: bigint;
  data: Hex;
  gas?: bigint;
  /** Simulate on this block; omitted = the upstream head (tracked by the engine). */
  blockNumber?: bigint;
}

/** Reads against the pre-state of the simulated block (used for token metadata and code). */
export interface StateReader {
  /** Identifies the chain and data source (e.g. "1@https://rpc…"); caches valid across blocks key on it. */
  readonly scope: string;
  /** eth_calls in one round trip; an entry is undefined when that call reverted or failed. */
  calls(requests: readonly { to: Address; data: Hex }[]): Promise<(Hex | undefined)[]>;
  /** Account code (empty '0x' for EOAs), in one round trip. */
  codes(addresses: readonly Address[]): Promise<Hex[]>;
}

export interface RawSimulation {
  engine: string;
  status: 'ok' | 'reverted';
  block: SimulationBlock;
  gasUsed: bigint;
  returnData: Hex;
  revertReason?: string;
  /** Pre-order call frames; empty when the engine cannot trace (eth_simulateV1 gives only the top call). */
  trace: CallFrame[];
  logs: EventLog[];
  storageChanges: StorageChange[];
  codeChanges: { address: Address; before: Hex; after: Hex }[];
  /** False when the engine could not produce a full call trace / state diff (e.g. eth_simulateV1 only). */
  complete: boolean;
  /** Native value movements when the engine has no call trace (eth_simulateV1 traceTransfers). */
  nativeTransfers?: { from: Address; to: Address; value: bigint }[];
  reader: StateReader;
}

export interface SimulateOptions {
  /** Overall budget for this simulation (default: the engine's). */
  timeoutMs?: number;
}

export interface SimulationEngine {
  /** 'fork' or 'rpc'. */
  readonly name: string;
  /**
   * Simulates `input`. Throws IntentError (RPC_UNAVAILABLE, TIMEOUT, UNSUPPORTED_CHAIN, …) when it
   * cannot; analyze.ts turns that into status 'unavailable'. A revert is a result, not an error.
   */
  simulate(input: SimulationInput, options?: SimulateOptions): Promise<RawSimulation>;
  /** Releases child processes and connections. */
  close(): Promise<void>;
}

/** Runs `work` with a deadline; rejects with IntentError TIMEOUT when it passes. */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new IntentError('TIMEOUT', `${what} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
