// Geth-style tracer output → Cairn's trace model. `callTracer` (with `withLog: true`) gives the
// call tree and logs; `prestateTracer` with `diffMode: true` gives pre/post values of every
// account field and storage slot that changed. Both are implemented by geth, reth and anvil.
import { decodeRevertReason } from '../decode/revert.ts';
import type { Address, CallFrame, CallType, EventLog, Hex, StorageChange } from '../types.ts';

/** One node of the callTracer output. */
export interface GethCallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  gas?: string;
  gasUsed?: string;
  input?: string;
  output?: string;
  error?: string;
  revertReason?: string;
  calls?: GethCallFrame[];
  logs?: { address: string; topics?: string[]; data?: string; position?: string }[];
}

interface PrestateAccount {
  balance?: string;
  nonce?: number;
  code?: string;
  storage?: Record<string, string>;
}

export interface GethPrestateDiff {
  pre: Record<string, PrestateAccount>;
  post: Record<string, PrestateAccount>;
}

const CALL_TYPES = new Set<CallType>([
  'CALL',
  'DELEGATECALL',
  'STATICCALL',
  'CALLCODE',
  'CREATE',
  'CREATE2',
  'SELFDESTRUCT',
]);
const ZERO_WORD = `0x${'0'.repeat(64)}` as Hex;

const lowerHex = (x: string | undefined): Hex => ((x ?? '0x').toLowerCase() || '0x') as Hex;
const decimal = (x: string | undefined): string => (x ? BigInt(x).toString() : '0');
const word = (x: string | undefined): Hex => {
  if (!x) return ZERO_WORD;
  return `0x${BigInt(x).toString(16).padStart(64, '0')}` as Hex;
};

export interface FlatTrace {
  frames: CallFrame[];
  logs: EventLog[];
}

/**
 * Flattens the call tree in pre-order. Logs of a frame that failed, or of any frame under a
 * failed one, are dropped: their effects were rolled back.
 */
export function flattenCallTrace(
  root: GethCallFrame,
  lookupError?: (selector: Hex) => string | undefined,
): FlatTrace {
  const frames: CallFrame[] = [];
  const logs: EventLog[] = [];
  const visit = (node: GethCallFrame, path: string, depth: number, rolledBack: boolean) => {
    const type = (
      CALL_TYPES.has(node.type.toUpperCase() as CallType) ? node.type.toUpperCase() : 'CALL'
    ) as CallType;
    const failed = node.error !== undefined;
    const frame: CallFrame = {
      path,
      depth,
      type,
      from: lowerHex(node.from) as Address,
      to: lowerHex(node.to ?? '0x0000000000000000000000000000000000000000') as Address,
      value: type === 'DELEGATECALL' || type === 'STATICCALL' ? '0' : decimal(node.value),
      input: lowerHex(node.input),
      output: lowerHex(node.output),
      gasUsed: decimal(node.gasUsed),
    };
    if (failed) {
      frame.error = node.error;
      const reason = node.revertReason ?? decodeRevertReason(node.output, lookupError);
      if (reason) frame.revertReason = reason;
    }
    frames.push(frame);
    const gone = rolledBack || failed;
    // callTracer interleaves logs and sub-calls by `position` (index among sub-calls); emission
    // order matters for reading transfers, so merge them back in order.
    const calls = node.calls ?? [];
    const nodeLogs = (node.logs ?? []).map((l, i) => ({
      l,
      at: l.position !== undefined ? Number(BigInt(l.position)) : calls.length,
      i,
    }));
    let li = 0;
    const pushLogsUpTo = (position: number) => {
      while (li < nodeLogs.length && nodeLogs[li]!.at <= position) {
        const { l } = nodeLogs[li]!;
        if (!gone) {
          logs.push({
            address: lowerHex(l.address) as Address,
            topics: (l.topics ?? []).map(lowerHex),
            data: lowerHex(l.data),
            framePath: path,
            index: logs.length,
          });
        }
        li++;
      }
    };
    nodeLogs.sort((a, b) => a.at - b.at || a.i - b.i);
    calls.forEach((child, i) => {
      pushLogsUpTo(i);
      visit(child, `${path}.${i}`, depth + 1, gone);
    });
    pushLogsUpTo(Number.MAX_SAFE_INTEGER);
  };
  visit(root, '0', 0, false);
  return { frames, logs };
}

export interface StateDiff {
  storageChanges: StorageChange[];
  codeChanges: { address: Address; before: Hex; after: Hex }[];
}

/** Storage and code changes from a diff-mode prestate trace (sorted by address, then slot). */
export function readPrestateDiff(diff: GethPrestateDiff): StateDiff {
  const storageChanges: StorageChange[] = [];
  const codeChanges: StateDiff['codeChanges'] = [];
  const addresses = [
    ...new Set([...Object.keys(diff.pre ?? {}), ...Object.keys(diff.post ?? {})].map((a) => a.toLowerCase())),
  ].sort();
  const find = (side: Record<string, PrestateAccount> | undefined, address: string) => {
    if (!side) return undefined;
    for (const [k, v] of Object.entries(side)) if (k.toLowerCase() === address) return v;
    return undefined;
  };
  for (const address of addresses) {
    const pre = find(diff.pre, address);
    const post = find(diff.post, address);
    const slots = [
      ...new Set(
        [...Object.keys(pre?.storage ?? {}), ...Object.keys(post?.storage ?? {})].map((s) => word(s)),
      ),
    ].sort();
    const get = (acc: PrestateAccount | undefined, slot: Hex) => {
      for (const [k, v] of Object.entries(acc?.storage ?? {})) if (word(k) === slot) return word(v);
      return undefined;
    };
    for (const slot of slots) {
      const before = get(pre, slot) ?? ZERO_WORD;
      // Diff mode lists only changed slots and omits those whose new value is zero from `post`.
      const after = get(post, slot) ?? ZERO_WORD;
      if (before !== after) storageChanges.push({ address: address as Address, slot, before, after });
    }
    if (post?.code !== undefined && lowerHex(post.code) !== lowerHex(pre?.code)) {
      codeChanges.push({
        address: address as Address,
        before: lowerHex(pre?.code),
        after: lowerHex(post.code),
      });
    }
  }
  return { storageChanges, codeChanges };
}
