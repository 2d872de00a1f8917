// Condition `chains`: the request's CAIP-2 chain id (§4.3).
import { type CompiledCondition, list } from './condition.ts';

export function compileChains(chains: readonly string[]): CompiledCondition {
  const set = new Set(chains);
  return {
    kind: 'chains',
    test: (f) => set.has(f.request.chain),
    describe: (f) => `chain ${f.request.chain} is one of ${list(chains)}`,
  };
}
