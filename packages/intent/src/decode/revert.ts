// Revert data → plain reason. Solidity's Error(string) (selector 0x08c379a0) and Panic(uint256)
// (0x4e487b71, codes from the Solidity docs "Panic via assert and Error via require"); anything
// else is reported as a custom error by selector (named when the selector database knows it).
import { decodeAbiParameters, type Hex } from 'viem';

const PANIC_CODES: Record<string, string> = {
  '0': 'generic panic',
  '1': 'assertion failed',
  '17': 'arithmetic overflow or underflow',
  '18': 'division or modulo by zero',
  '33': 'invalid enum value',
  '34': 'invalid storage byte array',
  '49': 'pop on empty array',
  '50': 'array index out of bounds',
  '65': 'out of memory',
  '81': 'call to invalid internal function',
};

/** Decodes revert data; `lookup` names custom errors by selector. Undefined when there is no data. */
export function decodeRevertReason(
  data: string | undefined,
  lookup?: (selector: Hex) => string | undefined,
): string | undefined {
  if (!data || data === '0x' || data.length < 10) return undefined;
  const selector = data.slice(0, 10).toLowerCase() as Hex;
  try {
    if (selector === '0x08c379a0') {
      const [reason] = decodeAbiParameters([{ type: 'string' }], `0x${data.slice(10)}`);
      return reason;
    }
    if (selector === '0x4e487b71') {
      const [code] = decodeAbiParameters([{ type: 'uint256' }], `0x${data.slice(10)}`);
      return `panic 0x${code.toString(16)}: ${PANIC_CODES[code.toString()] ?? 'unknown panic code'}`;
    }
  } catch {
    return `malformed revert data ${selector}`;
  }
  const name = lookup?.(selector);
  return name ? `custom error ${name}` : `custom error ${selector}`;
}
