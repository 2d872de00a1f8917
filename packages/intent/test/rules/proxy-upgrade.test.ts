import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proxyUpgradeRule } from '../../src/rules/proxy-upgrade.ts';
import type { AnalysisContext, Severity, StateChange } from '../../src/types.ts';
import { ATTACKER, decoded, ERC20, makeContext, PROXY, severities, VAULT } from './context.ts';

const V1 = '0x1000000000000000000000000000000000000001';
const V2 = '0x2000000000000000000000000000000000000002';
const upgrade: StateChange = {
  address: PROXY,
  meaning: 'eip1967.implementation',
  slot: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  before: V1,
  after: V2,
  description: 'implementation changes',
};

describe('proxy-upgrade', () => {
  const cases: { name: string; ctx: AnalysisContext; expected: Severity[] }[] = [
    {
      name: 'implementation change alone → high',
      ctx: makeContext({ stateChanges: [upgrade] }),
      expected: ['high'],
    },
    {
      name: 'implementation change + the proxy’s tokens leave → critical',
      ctx: makeContext({
        stateChanges: [upgrade],
        transfers: [{ asset: ERC20, from: PROXY, to: ATTACKER, amount: '1000', evidence: 'log 0' }],
      }),
      expected: ['critical'],
    },
    {
      name: 'implementation change + the vault loses ETH → critical',
      ctx: makeContext({
        stateChanges: [upgrade],
        assetChanges: [{ address: VAULT, asset: { kind: 'native' }, delta: '-5' }],
      }),
      expected: ['critical'],
    },
    {
      name: 'admin change → high',
      ctx: makeContext({ stateChanges: [{ ...upgrade, meaning: 'eip1967.admin' }] }),
      expected: ['high'],
    },
    {
      name: 'inflow to the proxy only → high',
      ctx: makeContext({
        stateChanges: [upgrade],
        transfers: [{ asset: ERC20, from: ATTACKER, to: PROXY, amount: '1', evidence: 'log 0' }],
      }),
      expected: ['high'],
    },
    {
      name: 'decoded upgradeToAndCall without simulation → high',
      ctx: makeContext({
        decoded: decoded({
          to: PROXY,
          functionName: 'upgradeToAndCall',
          signature: 'upgradeToAndCall(address,bytes)',
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'decoded call and state change of the same proxy are one finding',
      ctx: makeContext({
        stateChanges: [upgrade],
        decoded: decoded({ to: PROXY, functionName: 'upgradeTo' }),
      }),
      expected: ['high'],
    },
    {
      name: 'decoded ProxyAdmin.upgrade(proxy, impl) → high',
      ctx: makeContext({
        decoded: decoded({
          to: ATTACKER,
          functionName: 'upgrade',
          args: [
            { name: 'proxy', type: 'address', value: PROXY },
            { name: 'implementation', type: 'address', value: V2 },
          ],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'other state changes → nothing',
      ctx: makeContext({ stateChanges: [{ ...upgrade, meaning: 'ownable.owner' }] }),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(proxyUpgradeRule.evaluate(c.ctx)), c.expected);
    });
  }

  it('ProxyAdmin upgrades are reported against the proxy, not the admin', () => {
    const [f] = proxyUpgradeRule.evaluate(
      makeContext({
        decoded: decoded({
          to: ATTACKER,
          functionName: 'upgrade',
          args: [{ name: 'proxy', type: 'address', value: PROXY }],
        }),
      }),
    );
    assert.equal(f?.evidence.proxy, PROXY);
  });
});
