import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUnknownSelectorRule, unknownSelectorRule } from '../../src/rules/unknown-selector.ts';
import type { AnalysisContext } from '../../src/types.ts';
import { DRAINER, decoded, ERC20, makeContext, ROUTER, severities, tx, VAULT } from './context.ts';

const ONE_ETH = (10n ** 18n).toString();
const unknownCall = (to: `0x${string}`, value: string, extra: Partial<AnalysisContext> = {}) =>
  makeContext({
    request: tx({ to, value, data: '0xdeadbeef' }),
    decoded: decoded({ to, value, data: '0xdeadbeef', selector: '0xdeadbeef', source: 'none' }),
    ...extra,
  });

describe('unknown-selector', () => {
  const cases = [
    {
      name: 'unknown function with 1 ETH to a non-allowlisted contract → high',
      ctx: unknownCall(DRAINER, ONE_ETH),
      expected: ['high'],
    },
    {
      name: 'same to an allowlisted contract → medium',
      ctx: unknownCall(ROUTER, ONE_ETH),
      expected: ['medium'],
    },
    { name: 'unknown function, no value → nothing', ctx: unknownCall(DRAINER, '0'), expected: [] },
    {
      name: 'unknown function moving 20 % of a token balance → high',
      ctx: unknownCall(DRAINER, '0', {
        assetChanges: [{ address: VAULT, asset: ERC20, delta: '-200' }],
        vault: {
          address: VAULT,
          balances: [{ asset: ERC20, amount: '1000' }],
          knownCounterparties: new Set(),
        },
      }),
      expected: ['high'],
    },
    {
      name: 'unknown function moving USD 50 000 → high',
      ctx: unknownCall(DRAINER, '0', {
        assetChanges: [{ address: VAULT, asset: ERC20, delta: '-5', usdValue: '50000.00' }],
      }),
      expected: ['high'],
    },
    {
      name: 'known (selector-db) function with value → nothing',
      ctx: makeContext({
        request: tx({ to: DRAINER, value: ONE_ETH, data: '0xa9059cbb' }),
        decoded: decoded({
          to: DRAINER,
          selector: '0xa9059cbb',
          source: 'selector-db',
          functionName: 'transfer',
        }),
      }),
      expected: [],
    },
    {
      name: 'plain ETH transfer (no selector) → nothing',
      ctx: makeContext({
        request: tx({ to: DRAINER, value: ONE_ETH }),
        decoded: decoded({ to: DRAINER, value: ONE_ETH, source: 'none' }),
      }),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(unknownSelectorRule.evaluate(c.ctx)), c.expected);
    });
  }
  it('thresholds are configurable', () => {
    const rule = createUnknownSelectorRule({ minNativeValueWei: 10n });
    assert.deepEqual(severities(rule.evaluate(unknownCall(DRAINER, '10'))), ['high']);
    assert.deepEqual(severities(rule.evaluate(unknownCall(DRAINER, '9'))), []);
  });
});
