import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoTokenArtifact } from '@cairn/chains';
import { compileDemoToken } from '../src/devnet/compile-demo-token.ts';

describe('demo ERC-20 artifact', () => {
  it('matches a fresh solc compilation of DemoToken.sol', () => {
    const fresh = compileDemoToken();
    const committed = demoTokenArtifact();
    assert.equal(
      committed.bytecode,
      fresh.bytecode,
      'run: node packages/chains/src/devnet/compile-demo-token.ts --write',
    );
    assert.deepEqual(committed.abi, fresh.abi);
  });
});
