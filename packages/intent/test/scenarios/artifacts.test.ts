// The committed contract artifacts are exactly what the npm solc compiler makes of contracts/src:
// recompiles everything (soljson, ~5 s) and compares byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileContracts, staleArtifacts } from '../../contracts/compile.ts';

describe('scenario contract artifacts', () => {
  it('are up to date with contracts/src (run packages/intent/contracts/compile.ts if not)', () => {
    const fresh = compileContracts();
    assert.ok(fresh.size >= 14, `expected the scenario contracts, got ${[...fresh.keys()].join(', ')}`);
    for (const name of [
      'DemoToken',
      'SafeLikeWallet',
      'MultiSend',
      'ERC1967Proxy',
      'UpgradeableVaultV2',
      'TokenSink',
    ]) {
      const a = fresh.get(name);
      assert.ok(a && a.bytecode.length > 2 && a.abi.length > 0, name);
    }
    assert.deepEqual(staleArtifacts(fresh), []);
  });
});
