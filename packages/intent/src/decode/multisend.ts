// Safe MultiSend (MultiSend.sol / MultiSendCallOnly.sol): `transactions` is a packed
// concatenation of operation (uint8, 0 = call, 1 = delegatecall), to (address, 20 bytes), value
// (uint256), data length (uint256) and data bytes — not ABI-encoded, so viem cannot decode it.
import { IntentError } from '../errors.ts';
import type { Address, Hex } from '../types.ts';

export interface MultiSendTransaction {
  operation: 'call' | 'delegatecall';
  to: Address;
  value: bigint;
  data: Hex;
}

/** Unpacks MultiSend's `transactions` bytes; throws IntentError INVALID_INPUT when malformed. */
export function decodeMultiSend(packed: Hex): MultiSendTransaction[] {
  const hex = packed.slice(2).toLowerCase();
  if (hex.length % 2 !== 0) throw new IntentError('INVALID_INPUT', 'multiSend: odd-length data');
  const out: MultiSendTransaction[] = [];
  let i = 0;
  const take = (bytes: number) => {
    if (i + bytes * 2 > hex.length)
      throw new IntentError('INVALID_INPUT', 'multiSend: truncated transaction');
    const s = hex.slice(i, i + bytes * 2);
    i += bytes * 2;
    return s;
  };
  while (i < hex.length) {
    const op = Number.parseInt(take(1), 16);
    if (op !== 0 && op !== 1) throw new IntentError('INVALID_INPUT', `multiSend: unknown operation ${op}`);
    const to = `0x${take(20)}` as Address;
    const value = BigInt(`0x${take(32)}`);
    const length = BigInt(`0x${take(32)}`);
    if (length > BigInt(hex.length))
      throw new IntentError('INVALID_INPUT', 'multiSend: data length out of range');
    const data = `0x${take(Number(length))}` as Hex;
    out.push({ operation: op === 1 ? 'delegatecall' : 'call', to, value, data });
  }
  return out;
}

/** Packs transactions the way MultiSend expects (used by tests and scenario builders). */
export function encodeMultiSend(txs: readonly MultiSendTransaction[]): Hex {
  let out = '0x';
  for (const t of txs) {
    const data = t.data.slice(2);
    out += (t.operation === 'delegatecall' ? '01' : '00') + t.to.slice(2).toLowerCase();
    out += t.value.toString(16).padStart(64, '0');
    out += (data.length / 2).toString(16).padStart(64, '0');
    out += data;
  }
  return out as Hex;
}
