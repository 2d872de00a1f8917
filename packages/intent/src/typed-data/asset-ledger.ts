// Accumulates who gives and who receives what under a marketplace order, as AssetChanges.
import type { Address, Asset, AssetChange } from '../types.ts';

export class AssetLedger {
  readonly #deltas = new Map<string, { address: Address; asset: Asset; delta: bigint }>();

  add(address: Address, asset: Asset, delta: bigint): void {
    const key = `${address}|${asset.kind}|${asset.address ?? ''}|${asset.tokenId ?? ''}`;
    const entry = this.#deltas.get(key) ?? { address, asset, delta: 0n };
    entry.delta += delta;
    this.#deltas.set(key, entry);
  }

  /** Non-zero changes, in a stable order (address, then asset). */
  changes(): AssetChange[] {
    return [...this.#deltas.entries()]
      .filter(([, e]) => e.delta !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => ({ address: e.address, asset: e.asset, delta: e.delta.toString() }));
  }
}
