import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLargeOutflowRule, largeOutflowRule } from '../../src/rules/large-outflow.ts';
import type { AssetChange } from '../../src/types.ts';
import { ERC20, ETH, FRIEND, makeContext, severities, VAULT } from './context.ts';

const balances = [
  { asset: ETH, amount: '10000' },
  { asset: ERC20, amount: '1000' },
];
const ctx = (changes: AssetChange[]) =>
  makeContext({ assetChanges: changes, vault: { address: VAULT, balances, knownCounterparties: new Set() } });

describe('large-outflow', () => {
  const cases = [
    {
      name: '60 % of the ETH → high',
      changes: [{ address: VAULT, asset: ETH, delta: '-6000' }],
      expected: ['high'],
    },
    {
      name: 'exactly 50 % of the token → high',
      changes: [{ address: VAULT, asset: ERC20, delta: '-500' }],
      expected: ['high'],
    },
    { name: '49.9 % → nothing', changes: [{ address: VAULT, asset: ERC20, delta: '-499' }], expected: [] },
    { name: 'inflow → nothing', changes: [{ address: VAULT, asset: ERC20, delta: '900' }], expected: [] },
    {
      name: 'someone else’s outflow → nothing',
      changes: [{ address: FRIEND, asset: ERC20, delta: '-900' }],
      expected: [],
    },
    {
      name: 'unknown balance → nothing',
      changes: [{ address: VAULT, asset: { kind: 'erc20' as const, address: FRIEND }, delta: '-900' }],
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(largeOutflowRule.evaluate(ctx(c.changes))), c.expected);
    });
  }

  it('threshold is configurable', () => {
    const strict = createLargeOutflowRule({ maxShareBps: 1000 });
    assert.deepEqual(severities(strict.evaluate(ctx([{ address: VAULT, asset: ERC20, delta: '-100' }]))), [
      'high',
    ]);
    assert.deepEqual(severities(strict.evaluate(ctx([{ address: VAULT, asset: ERC20, delta: '-99' }]))), []);
    assert.throws(() => createLargeOutflowRule({ maxShareBps: 0 }), RangeError);
  });

  it('evidence carries the share in basis points', () => {
    const [f] = largeOutflowRule.evaluate(ctx([{ address: VAULT, asset: ETH, delta: '-7500' }]));
    assert.equal(f?.evidence.shareBps, '7500');
    assert.equal(f?.evidence.asset, 'native');
  });
});
