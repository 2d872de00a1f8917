import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressPoisoningRule } from '../../src/rules/address-poisoning.ts';
import type { Address, AnalysisContext } from '../../src/types.ts';
import { ERC20, FRIEND, makeContext, severities, tx, VAULT } from './context.ts';

// FRIEND = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 (address book)
const LOOKALIKE: Address = '0x7099000000000000000000000000000000dc79c8'; // same 7099…79c8
const RECENT: Address = '0xabcd1234567890123456789012345678901200ef';
const RECENT_LOOKALIKE: Address = '0xabcdffffffffffffffffffffffffffffffff00ef';
const UNRELATED: Address = '0x1234000000000000000000000000000000005678';

const payTo = (to: Address, extra: Partial<AnalysisContext> = {}) =>
  makeContext({
    request: tx({ to: ERC20.address, data: `0xa9059cbb${to.slice(2).padStart(64, '0')}${'00'.repeat(32)}` }),
    transfers: [{ asset: ERC20, from: VAULT, to, amount: '1', evidence: 'log 0' }],
    ...extra,
  });

describe('address-poisoning', () => {
  const cases = [
    { name: 'look-alike of an address-book entry → high', ctx: payTo(LOOKALIKE), expected: ['high'] },
    {
      name: 'look-alike with different letter case is still a look-alike → high',
      ctx: payTo(LOOKALIKE.toUpperCase().replace('0X', '0x') as Address),
      expected: ['high'],
    },
    {
      name: 'look-alike of a recent counterparty → high',
      ctx: payTo(RECENT_LOOKALIKE, { vault: { address: VAULT, knownCounterparties: new Set([RECENT]) } }),
      expected: ['high'],
    },
    { name: 'the address-book entry itself → nothing', ctx: payTo(FRIEND), expected: [] },
    { name: 'an unrelated new address → nothing', ctx: payTo(UNRELATED), expected: [] },
    {
      name: 'only the first 4 match → nothing',
      ctx: payTo('0x7099000000000000000000000000000000dc79c9'),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(addressPoisoningRule.evaluate(c.ctx)), c.expected);
    });
  }

  it('evidence names both addresses and the source', () => {
    const [f] = addressPoisoningRule.evaluate(payTo(LOOKALIKE));
    assert.equal(f?.evidence.address, LOOKALIKE);
    assert.equal(f?.evidence.lookalikeOf, FRIEND);
    assert.equal(f?.evidence.lookalikeSource, 'address book: Friend');
  });
});
