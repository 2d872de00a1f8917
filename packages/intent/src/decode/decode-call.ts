// Calldata → DecodedCall, recursively through batches: Safe execTransaction (and module
// execution), Safe MultiSend's packed transactions, Multicall3 aggregate*, `multicall(bytes[])`
// routers and upgradeToAndCall's initialisation call. A batch can hide the one dangerous call
// (a delegatecall that rewrites a Safe's singleton, an ownership transfer), so every inner call is
// decoded with the same care as the outer one.
import { type AbiFunction, type AbiParameter, decodeFunctionData } from 'viem';
import type { Address, ArgValue, DecodedArg, DecodedCall, Hex } from '../types.ts';
import { type AbiRegistry, defaultRegistry } from './registry.ts';
import { decodeMultiSend } from './multisend.ts';

/** Batches nest; beyond this depth inner calls are left undecoded. */
export const MAX_DECODE_DEPTH = 8;

export interface DecodeCallParameters {
  chainId: number;
  to?: Address;
  value?: bigint | string;
  data: Hex;
  operation?: DecodedCall['operation'];
  registry?: AbiRegistry;
}

/** Decodes a call and every batch inside it. Never throws: undecodable data gives source 'none'. */
export function decodeCall(params: DecodeCallParameters): DecodedCall {
  return decodeAt(params, params.registry ?? defaultRegistry(), 0);
}

function decodeAt(p: DecodeCallParameters, registry: AbiRegistry, depth: number): DecodedCall {
  const data = p.data.toLowerCase() as Hex;
  const base: DecodedCall = {
    ...(p.to ? { to: p.to.toLowerCase() as Address } : {}),
    value: BigInt(p.value ?? 0).toString(),
    data,
    operation: p.operation ?? (p.to ? 'call' : 'create'),
    source: 'none',
  };
  if (base.operation === 'create' || data.length < 10) return base;
  const selector = data.slice(0, 10) as Hex;
  base.selector = selector;
  let lastError: string | undefined;
  for (const candidate of registry.candidates(p.chainId, base.to, selector)) {
    let decoded: { args?: readonly unknown[] };
    try {
      decoded = decodeFunctionData({ abi: [candidate.item], data });
    } catch (error) {
      lastError = error instanceof Error ? error.message.split('\n')[0] : String(error);
      continue;
    }
    const args = candidate.item.inputs.map((input, i) => ({
      name: input.name || `arg${i}`,
      type: typeText(input),
      value: toArgValue(input, decoded.args?.[i]),
    }));
    const call: DecodedCall = {
      ...base,
      functionName: candidate.item.name,
      signature: `${candidate.item.name}(${candidate.item.inputs.map(typeText).join(',')})`,
      source: candidate.source,
      abi: candidate.abi,
      args,
    };
    if (depth < MAX_DECODE_DEPTH) {
      const inner = innerCalls(call, candidate.item, decoded.args ?? [], p.chainId);
      if (inner) call.inner = inner.map((c) => decodeAt({ ...c, registry }, registry, depth + 1));
    }
    return call;
  }
  if (lastError) base.error = lastError;
  return base;
}

/** Solidity type text of a parameter, with tuples spelled out: '(address,uint256)[]'. */
export function typeText(param: AbiParameter): string {
  if (param.type.startsWith('tuple')) {
    const components = (param as { components?: readonly AbiParameter[] }).components ?? [];
    return `(${components.map(typeText).join(',')})${param.type.slice('tuple'.length)}`;
  }
  return param.type;
}

/** viem's decoded value → canonical ArgValue (addresses lowercase, integers decimal strings). */
export function toArgValue(param: AbiParameter, value: unknown): ArgValue {
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (arrayMatch) {
    const element = { ...param, type: arrayMatch[1]! } as AbiParameter;
    return ((value as unknown[]) ?? []).map((v) => toArgValue(element, v));
  }
  if (param.type === 'tuple') {
    const components = (param as { components?: readonly AbiParameter[] }).components ?? [];
    const out: Record<string, ArgValue> = {};
    components.forEach((c, i) => {
      const v = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)?.[c.name ?? String(i)];
      out[c.name || String(i)] = toArgValue(c, v);
    });
    return out;
  }
  if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
  if (typeof value === 'boolean') return value;
  if (param.type === 'address') return String(value).toLowerCase();
  if (typeof value === 'string') return param.type === 'string' ? value : value.toLowerCase();
  return String(value);
}

type InnerCall = Omit<DecodeCallParameters, 'registry'>;

const asRecord = (v: unknown) => v as Record<string, unknown> & unknown[];
const field = (v: unknown, name: string, index: number) =>
  Array.isArray(v) ? v[index] : (v as Record<string, unknown>)?.[name];

/** The calls a batch function executes, when `item` is one. */
function innerCalls(
  call: DecodedCall,
  item: AbiFunction,
  args: readonly unknown[],
  chainId: number,
): InnerCall[] | undefined {
  const sig = call.signature ?? '';
  const self = call.to;
  switch (item.name) {
    case 'execTransaction':
      if (sig.startsWith('execTransaction(address,uint256,bytes,uint8,')) {
        return [safeInner(args, chainId)];
      }
      return undefined;
    case 'execTransactionFromModule':
    case 'execTransactionFromModuleReturnData':
      return [safeInner(args, chainId)];
    case 'multiSend':
      if (sig === 'multiSend(bytes)') {
        try {
          return decodeMultiSend(args[0] as Hex).map((t) => ({ chainId, ...t }));
        } catch {
          return undefined;
        }
      }
      return undefined;
    case 'aggregate':
    case 'blockAndAggregate':
    case 'tryAggregate':
    case 'tryBlockAndAggregate':
    case 'aggregate3':
    case 'aggregate3Value': {
      const list = (item.name.startsWith('try') ? args[1] : args[0]) as unknown[];
      if (!Array.isArray(list)) return undefined;
      return list.map((c) => {
        const r = asRecord(c);
        const withValue = item.name === 'aggregate3Value';
        const target = field(r, 'target', 0) as Address;
        const callData = field(r, 'callData', item.name === 'aggregate3' ? 2 : withValue ? 3 : 1) as Hex;
        const value = withValue ? (field(r, 'value', 2) as bigint) : 0n;
        return {
          chainId,
          to: target.toLowerCase() as Address,
          value,
          data: callData,
          operation: 'call' as const,
        };
      });
    }
    case 'multicall': {
      const list = args[args.length - 1];
      if (!Array.isArray(list) || !self) return undefined;
      // Routers run each entry against themselves (delegatecall to address(this)).
      return list.map((d) => ({ chainId, to: self, value: 0n, data: d as Hex, operation: 'call' as const }));
    }
    case 'upgradeToAndCall':
      if (!self || args[1] === undefined || args[1] === '0x') return undefined;
      // The initialisation call runs in the proxy with the new implementation's code.
      return [{ chainId, to: self, value: 0n, data: args[1] as Hex, operation: 'call' }];
    default:
      return undefined;
  }
}

function safeInner(args: readonly unknown[], chainId: number): InnerCall {
  return {
    chainId,
    to: String(args[0]).toLowerCase() as Address,
    value: args[1] as bigint,
    data: args[2] as Hex,
    operation: Number(args[3]) === 1 ? 'delegatecall' : 'call',
  };
}

/** Every call in the tree (pre-order), the outer call first. */
export function flattenDecoded(call: DecodedCall): DecodedCall[] {
  const out: DecodedCall[] = [call];
  for (const c of call.inner ?? []) out.push(...flattenDecoded(c));
  return out;
}

/** The decoded arguments as a name → value record. */
export function argsByName(call: DecodedCall): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const a of call.args ?? ([] as readonly DecodedArg[])) out[a.name] = a.value;
  return out;
}
