// Net asset changes per address: the sum of every transfer in and out, per asset (per token id
// for NFTs), zero nets dropped. Sorted by address then asset so the report is deterministic.
import type { Address, AssetChange, PriceTable, Transfer } from '../types.ts';
import { formatUnits, usdValue } from './amounts.ts';
import { assetKey } from './transfers.ts';

export function netAssetChanges(transfers: readonly Transfer[], prices?: PriceTable): AssetChange[] {
  const totals = new Map<string, { address: Address; transfer: Transfer; delta: bigint }>();
  const add = (address: Address, t: Transfer, amount: bigint) => {
    const key = `${address}|${assetKey(t.asset)}`;
    const entry = totals.get(key) ?? { address, transfer: t, delta: 0n };
    entry.delta += amount;
    totals.set(key, entry);
  };
  for (const t of transfers) {
    const amount = BigInt(t.amount);
    if (t.from === t.to) continue;
    add(t.from, t, -amount);
    add(t.to, t, amount);
  }
  const out: AssetChange[] = [];
  for (const { address, transfer, delta } of totals.values()) {
    if (delta === 0n) continue;
    const asset = transfer.asset;
    const change: AssetChange = { address, asset, delta: delta.toString() };
    if (asset.decimals !== undefined && asset.kind !== 'erc721' && asset.kind !== 'erc1155') {
      change.formatted = formatUnits(delta, asset.decimals);
    }
    const price = prices?.get(asset.kind === 'native' ? 'native' : (asset.address as string));
    if (price !== undefined && (asset.kind === 'native' || asset.kind === 'erc20')) {
      const usd = usdValue(delta, asset.decimals ?? 0, price);
      if (usd !== undefined) change.usdValue = usd;
    }
    out.push(change);
  }
  return out.sort((a, b) =>
    a.address < b.address
      ? -1
      : a.address > b.address
        ? 1
        : assetKey(a.asset) < assetKey(b.asset)
          ? -1
          : assetKey(a.asset) > assetKey(b.asset)
            ? 1
            : 0,
  );
}
