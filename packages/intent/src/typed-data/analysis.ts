// Shared shape of the per-standard typed-data analysers.
import type { Address, TypedDataAnalysis, TypedDataRequest } from '../types.ts';
import type { ParsedTypedData } from './eip712.ts';

/** Returns the analysis when the message is of its standard, undefined otherwise. */
export type StandardAnalyzer = (
  parsed: ParsedTypedData,
  request: TypedDataRequest,
) => TypedDataAnalysis | undefined;

/** Allowance amounts at or above this are unlimited (EIP-2612 / ERC-20 convention: 2^255). */
export const UNLIMITED_ERC20 = 2n ** 255n;
/** Permit2 allowances are uint160: its maximum means unlimited. */
export const UNLIMITED_PERMIT2 = 2n ** 160n - 1n;

export function domainOf(parsed: ParsedTypedData): TypedDataAnalysis['domain'] {
  const d = parsed.typedData.domain;
  return {
    ...(d.name !== undefined ? { name: d.name } : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
    ...(parsed.chainId !== undefined ? { chainId: parsed.chainId } : {}),
    ...(parsed.verifyingContract !== undefined ? { verifyingContract: parsed.verifyingContract } : {}),
  };
}

export function short(address: Address): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Unix seconds as an ISO date for descriptions (deterministic: no locale). */
export function isoDate(seconds: bigint): string {
  if (seconds > 253402300799n) return 'never';
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}
