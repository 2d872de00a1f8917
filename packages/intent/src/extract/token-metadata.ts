// Token symbol / name / decimals, read with eth_call at the simulated block and cached per chain
// and token (they do not change in practice), so only the first report naming a token pays.
import { decodeAbiParameters, hexToString } from 'viem';
import type { StateReader } from '../engine/engine.ts';
import type { Address, Asset, Hex } from '../types.ts';

const SELECTOR = { symbol: '0x95d89b41', decimals: '0x313ce567' } as const;

export interface TokenMetadata {
  symbol?: string;
  name?: string;
  decimals?: number;
}

const cache = new Map<string, TokenMetadata>();

function readString(data: Hex | undefined): string | undefined {
  if (!data || data === '0x') return undefined;
  try {
    if (data.length === 66) {
      // bytes32 symbols (e.g. MKR)
      const s = hexToString(data as Hex, { size: 32 }).replace(/\0+$/, '');
      return printable(s);
    }
    const [s] = decodeAbiParameters([{ type: 'string' }], data);
    return printable(s);
  } catch {
    return undefined;
  }
}

/** Code points never shown from token-supplied text: controls, zero-width and bidi overrides. */
function hidden(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

/** Keeps token-supplied text short and free of invisible characters (it is shown to approvers). */
function printable(s: string): string | undefined {
  const clean = [...s]
    .filter((c) => !hidden(c.codePointAt(0) ?? 0))
    .join('')
    .slice(0, 32);
  return clean.length > 0 ? clean : undefined;
}

/** Metadata for the given tokens (one batched round trip for those not cached). */
export async function tokenMetadata(
  reader: StateReader,
  tokens: readonly Address[],
): Promise<Map<Address, TokenMetadata>> {
  const out = new Map<Address, TokenMetadata>();
  const missing = [...new Set(tokens)].filter((t) => {
    const hit = cache.get(`${reader.scope}:${t}`);
    if (hit) out.set(t, hit);
    return !hit;
  });
  if (missing.length > 0) {
    // symbol and decimals only: name() would cost another upstream storage read on a cold fork.
    const calls = missing.flatMap((to) => [
      { to, data: SELECTOR.symbol as Hex },
      { to, data: SELECTOR.decimals as Hex },
    ]);
    const results = await reader.calls(calls);
    missing.forEach((t, i) => {
      const meta: TokenMetadata = {};
      const symbol = readString(results[i * 2]);
      const dec = results[i * 2 + 1];
      if (symbol) meta.symbol = symbol;
      if (dec && dec.length === 66) {
        const d = BigInt(dec);
        if (d <= 77n) meta.decimals = Number(d);
      }
      cache.set(`${reader.scope}:${t}`, meta);
      out.set(t, meta);
    });
  }
  return out;
}

/** The asset with symbol/name/decimals filled in from `meta` (fungible decimals only for ERC-20). */
export function withMetadata(asset: Asset, meta: TokenMetadata | undefined): Asset {
  if (asset.kind === 'native' || !meta) return asset;
  const out: Asset = { ...asset };
  if (meta.symbol) out.symbol = meta.symbol;
  if (meta.name) out.name = meta.name;
  if (asset.kind === 'erc20' && meta.decimals !== undefined) out.decimals = meta.decimals;
  return out;
}

/** Forgets cached metadata (tests). */
export function clearTokenMetadataCache(): void {
  cache.clear();
}
