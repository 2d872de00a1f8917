// Read-only questions rules ask of an AnalysisContext: who the vault controls, how far a
// counterparty is trusted, which decoded calls a request makes. Pure functions, no I/O.
import { formatUnits } from '../extract/amounts.ts';
import type {
  Address,
  AnalysisContext,
  Asset,
  CallFrame,
  Counterparty,
  DecodedCall,
  Finding,
  Severity,
} from '../types.ts';

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

export function lower(address: string): Address {
  return address.toLowerCase() as Address;
}

/** 0x1234…abcd, the way wallets display addresses (and the way poisoning attacks exploit). */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Builds a finding; evidence values must already be strings (canonical JSON). */
export function finding(
  ruleId: string,
  severity: Severity,
  message: string,
  evidence: Record<string, string>,
): Finding {
  return { ruleId, severity, message, evidence };
}

/**
 * Accounts whose assets the signature moves: the vault's own address, and the smart account it
 * drives when the request is a Safe-style execTransaction (the Safe's approvals and transfers are
 * the vault's in all but name).
 */
export function controlledAccounts(ctx: AnalysisContext): Set<Address> {
  const accounts = new Set<Address>([lower(ctx.vault.address)]);
  const req = ctx.request;
  if (req.kind === 'transaction' && req.to && ctx.decoded?.functionName?.startsWith('execTransaction')) {
    accounts.add(lower(req.to));
  }
  return accounts;
}

export function counterpartyOf(ctx: AnalysisContext, address: string): Counterparty | undefined {
  const a = lower(address);
  return ctx.counterparties.find((c) => c.address === a);
}

export type Trust = 'allowlisted' | 'controlled' | 'eoa' | 'contract' | 'unknown';

/**
 * How far an address is trusted as a spender, operator or code to run: only the allowlist (and the
 * vault's own accounts) count as trusted; the address book records who we pay, not whose code we trust.
 * 'unknown' = no counterparty information (e.g. typed data analysed without chain access).
 */
export function trustOf(ctx: AnalysisContext, address: string): Trust {
  const a = lower(address);
  if (ctx.lists.allowlist.has(a)) return 'allowlisted';
  if (controlledAccounts(ctx).has(a)) return 'controlled';
  const cp = counterpartyOf(ctx, a);
  if (!cp) return 'unknown';
  return cp.kind;
}

export function describeTrust(trust: Trust): string {
  switch (trust) {
    case 'allowlisted':
      return 'an allowlisted contract';
    case 'controlled':
      return 'one of the vault’s own accounts';
    case 'eoa':
      return 'a plain account (EOA), not a contract';
    case 'contract':
      return 'a contract that is not on the allowlist';
    case 'unknown':
      return 'an address that is not on the allowlist';
  }
}

/** Every decoded call of the request, the top-level call first, nested batch calls depth-first. */
export function decodedCalls(ctx: AnalysisContext): DecodedCall[] {
  const out: DecodedCall[] = [];
  const walk = (call: DecodedCall) => {
    out.push(call);
    for (const inner of call.inner ?? []) walk(inner);
  };
  if (ctx.decoded) walk(ctx.decoded);
  return out;
}

/** Value of a named (or positional) decoded argument, when it is a string. */
export function argString(call: DecodedCall, name: string, index?: number): string | undefined {
  const args = call.args ?? [];
  const byName = args.find((a) => a.name === name);
  const arg = byName ?? (index !== undefined ? args[index] : undefined);
  return typeof arg?.value === 'string' ? arg.value : undefined;
}

export function selectorOf(input: string): string | undefined {
  return input.length >= 10 ? input.slice(0, 10).toLowerCase() : undefined;
}

/** Frames that executed (did not revert) and their descendants did not revert either. */
export function successfulFrames(ctx: AnalysisContext): CallFrame[] {
  const failed = ctx.simulation.trace.filter((f) => f.error !== undefined).map((f) => f.path);
  return ctx.simulation.trace.filter((f) => !failed.some((p) => f.path === p || f.path.startsWith(`${p}.`)));
}

/** True when the 20-byte address appears anywhere in the request's calldata (as an argument). */
export function calldataMentions(ctx: AnalysisContext, address: string): boolean {
  if (ctx.request.kind !== 'transaction') return false;
  return ctx.request.data.toLowerCase().includes(lower(address).slice(2));
}

export function sameAsset(a: Asset, b: Asset): boolean {
  return (
    a.kind === b.kind && (a.address ?? '') === (b.address ?? '') && (a.tokenId ?? '') === (b.tokenId ?? '')
  );
}

export function assetLabel(asset: Asset): string {
  if (asset.kind === 'native') return asset.symbol ?? 'native currency';
  const name = asset.symbol ?? shortAddress(asset.address ?? ZERO_ADDRESS);
  return asset.tokenId !== undefined ? `${name} #${asset.tokenId}` : name;
}

/** Raw amount with decimals applied, for messages ("1.5"); raw when decimals are unknown. */
export function formatAmount(raw: bigint, decimals: number | undefined): string {
  return decimals === undefined ? raw.toString() : formatUnits(raw, decimals);
}

/** True when `slot` (any hex spelling) is storage slot 0. */
export function isSlotZero(slot: string): boolean {
  try {
    return BigInt(slot) === 0n;
  } catch {
    return false;
  }
}
