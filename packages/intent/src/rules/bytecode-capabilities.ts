// What EVM runtime code can possibly do, read from its opcodes. A contract can only move tokens out
// by calling the token (CALL, or code it DELEGATECALLs/CALLCODEs into), and native currency by
// CALL/CALLCODE, CREATE/CREATE2 with value or SELFDESTRUCT. Code with none of these opcodes
// traps whatever it receives, forever. The scan skips PUSH immediates and Solidity's trailing CBOR
// metadata; data sections can only add opcodes, so the answer errs towards "can move" (no finding).
import type { Hex } from '../types.ts';

const MOVING_OPCODES = new Set([0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xff]);

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new TypeError('invalid hex bytecode');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Length of the code without Solidity's CBOR metadata trailer (2-byte big-endian length at the end). */
function codeLength(code: Uint8Array): number {
  if (code.length < 2) return code.length;
  const metaLength = (code[code.length - 2]! << 8) | code[code.length - 1]!;
  const start = code.length - 2 - metaLength;
  const first = code[start];
  return metaLength > 0 && start > 0 && first !== undefined && first >= 0xa1 && first <= 0xa5
    ? start
    : code.length;
}

/**
 * False when the runtime code has no opcode that could ever move assets out (no CALL, CALLCODE,
 * DELEGATECALL, CREATE, CREATE2, SELFDESTRUCT); true otherwise, and for empty code (an EOA) and
 * EIP-7702 delegation designators (the delegate's code decides).
 */
export function bytecodeCanMoveAssets(code: Hex): boolean {
  const bytes = hexToBytes(code);
  if (bytes.length === 0) return true;
  if (bytes.length === 23 && bytes[0] === 0xef && bytes[1] === 0x01 && bytes[2] === 0x00) return true;
  const end = codeLength(bytes);
  for (let pc = 0; pc < end; pc++) {
    const op = bytes[pc]!;
    if (MOVING_OPCODES.has(op)) return true;
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f; // PUSH1..PUSH32 immediates
  }
  return false;
}
