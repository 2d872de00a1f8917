// The call trace as reported: one entry per frame with the function it called (by selector
// name) and delegatecalls marked — in a delegatecall the callee's code runs with the caller's
// storage and funds, which is how a Safe's singleton was swapped in February 2025.
import type { AbiRegistry } from '../decode/registry.ts';
import type { CallFrame, Hex, TraceEntry } from '../types.ts';

/** Reports at most this many frames (a DEX route can have hundreds). */
export const MAX_TRACE_ENTRIES = 256;

export function traceEntries(trace: readonly CallFrame[], registry: AbiRegistry): TraceEntry[] {
  return trace.slice(0, MAX_TRACE_ENTRIES).map((f) => {
    const entry: TraceEntry = {
      path: f.path,
      depth: f.depth,
      type: f.type,
      from: f.from,
      to: f.to,
      value: f.value,
      delegatecall: f.type === 'DELEGATECALL' || f.type === 'CALLCODE',
    };
    if (f.decoded?.signature) entry.function = f.decoded.signature;
    else if (f.input.length >= 10 && f.type !== 'CREATE' && f.type !== 'CREATE2') {
      const selector = f.input.slice(0, 10) as Hex;
      entry.function = registry.nameOf(selector) ?? selector;
    }
    if (f.error !== undefined) entry.error = f.revertReason ? `${f.error}: ${f.revertReason}` : f.error;
    return entry;
  });
}
