// Condition `kinds`: transfer, contract_call, token_approval, typed_data, raw_message (§4.5).
import type { RequestKind } from '../document.ts';
import { type CompiledCondition, list } from './condition.ts';

export function compileKinds(kinds: readonly RequestKind[]): CompiledCondition {
  const set = new Set<string>(kinds);
  return {
    kind: 'kinds',
    test: (f) => set.has(f.request.kind),
    describe: (f) => `request kind ${f.request.kind} is one of ${list(kinds)}`,
  };
}
