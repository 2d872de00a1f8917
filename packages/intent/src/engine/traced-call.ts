// One traced execution through debug_traceCall: the call tree with logs (callTracer, withLog)
// and the state diff (prestateTracer, diffMode, code omitted for speed) in a single JSON-RPC
// batch, so a warm simulation on a local fork is one round trip.
import { decodeRevertReason } from '../decode/revert.ts';
import { IntentError } from '../errors.ts';
import type { Address, Hex, SimulationBlock } from '../types.ts';
import type { RawSimulation, SimulationInput, StateReader } from './engine.ts';
import { type JsonRpcClient, RpcResponseError } from './json-rpc.ts';
import {
  flattenCallTrace,
  type FlatTrace,
  type GethCallFrame,
  type GethPrestateDiff,
  readPrestateDiff,
} from './trace.ts';

export interface TracedCall extends FlatTrace {
  status: 'ok' | 'reverted';
  gasUsed: bigint;
  returnData: Hex;
  revertReason?: string;
  storageChanges: ReturnType<typeof readPrestateDiff>['storageChanges'];
  codeChanges: { address: Address; before: Hex; after: Hex }[];
}

/** The call object of eth_call / debug_traceCall / eth_simulateV1. */
export function rpcCallObject(input: SimulationInput): Record<string, string> {
  const tx: Record<string, string> = {
    from: input.from,
    value: `0x${input.value.toString(16)}`,
    input: input.data,
  };
  if (input.to) tx.to = input.to;
  if (input.gas !== undefined) tx.gas = `0x${input.gas.toString(16)}`;
  return tx;
}

/** Node errors that mean "this transaction is invalid" (a failed outcome), not "cannot simulate". */
const INVALID_TX =
  /insufficient funds|intrinsic gas|gas too low|nonce too|exceeds block gas limit|max fee per gas less than block base fee|sender not an eoa|invalid opcode|code size/i;

export async function traceCall(
  client: JsonRpcClient,
  input: SimulationInput,
  blockTag: string,
  timeoutMs: number,
  lookupError?: (selector: Hex) => string | undefined,
): Promise<TracedCall> {
  const tx = rpcCallObject(input);
  const [tree, diff] = await client.batch(
    [
      {
        method: 'debug_traceCall',
        params: [tx, blockTag, { tracer: 'callTracer', tracerConfig: { withLog: true } }],
      },
      {
        method: 'debug_traceCall',
        params: [
          tx,
          blockTag,
          { tracer: 'prestateTracer', tracerConfig: { diffMode: true, disableCode: true } },
        ],
      },
    ],
    timeoutMs,
  );
  if (tree instanceof RpcResponseError) {
    if (INVALID_TX.test(tree.message)) {
      return {
        status: 'reverted',
        gasUsed: 0n,
        returnData: '0x',
        revertReason: `invalid transaction: ${tree.message.replace(/^debug_traceCall: /, '')}`,
        frames: [],
        logs: [],
        storageChanges: [],
        codeChanges: [],
      };
    }
    throw tree;
  }
  if (!tree || typeof tree !== 'object' || typeof (tree as GethCallFrame).type !== 'string') {
    throw new IntentError('ENGINE_FAILED', 'debug_traceCall returned no call frame');
  }
  const root = tree as GethCallFrame;
  const flat = flattenCallTrace(root, lookupError);
  const top = flat.frames[0]!;
  const status = top.error === undefined ? 'ok' : 'reverted';
  let storageChanges: TracedCall['storageChanges'] = [];
  if (status === 'ok') {
    if (diff instanceof RpcResponseError) throw diff;
    storageChanges = readPrestateDiff(diff as GethPrestateDiff).storageChanges;
  }
  // Code changes come from the trace (prestate code is disabled for speed): contracts created.
  const codeChanges: TracedCall['codeChanges'] = [];
  if (status === 'ok') {
    for (const f of flat.frames) {
      if (
        (f.type === 'CREATE' || f.type === 'CREATE2') &&
        f.error === undefined &&
        !insideFailed(flat, f.path)
      ) {
        codeChanges.push({ address: f.to, before: '0x', after: f.output });
      }
    }
  }
  const result: TracedCall = {
    ...flat,
    status,
    gasUsed: BigInt(root.gasUsed ?? 0),
    returnData: top.output,
    storageChanges,
    codeChanges,
  };
  if (status === 'reverted') {
    result.revertReason = top.revertReason ?? decodeRevertReason(top.output, lookupError) ?? top.error;
  }
  return result;
}

/** A traced call as an engine's result: the full trace and state diff, on `block`, read through `reader`. */
export function tracedSimulation(
  engine: string,
  traced: TracedCall,
  block: SimulationBlock,
  reader: StateReader,
): RawSimulation {
  return {
    engine,
    status: traced.status,
    block,
    gasUsed: traced.gasUsed,
    returnData: traced.returnData,
    ...(traced.revertReason !== undefined ? { revertReason: traced.revertReason } : {}),
    trace: traced.frames,
    logs: traced.logs,
    storageChanges: traced.storageChanges,
    codeChanges: traced.codeChanges,
    complete: true,
    reader,
  };
}

function insideFailed(flat: FlatTrace, path: string): boolean {
  return flat.frames.some((f) => f.error !== undefined && path.startsWith(`${f.path}.`));
}
