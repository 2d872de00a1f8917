// Condition `assets`: the asset id the request moves; a request without an asset never matches (§4.4).
import { type CompiledCondition, list } from './condition.ts';

export function compileAssets(assets: readonly string[]): CompiledCondition {
  const set = new Set(assets);
  return {
    kind: 'assets',
    test: (f) => f.request.asset !== undefined && set.has(f.request.asset.id),
    describe: (f) => `asset ${f.request.asset?.id} is one of ${list(assets)}`,
  };
}
