import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocklistedCounterpartyRule } from '../../src/rules/blocklisted-counterparty.ts';
import type { AnalysisContext } from '../../src/types.ts';
import {
  ATTACKER,
  approval,
  counterparty,
  decoded,
  ERC20,
  makeContext,
  severities,
  tx,
  VAULT,
} from './context.ts';

const BAD = '0xbadbadbadbadbadbadbadbadbadbadbadbadbad0';
const lists = (ctx: AnalysisContext): AnalysisContext => ({
  ...ctx,
  lists: { ...ctx.lists, blocklist: new Map([[BAD, 'drainer (threat intel)']]) },
});

describe('blocklisted-counterparty', () => {
  const cases = [
    {
      name: 'direct recipient blocklisted → critical',
      ctx: lists(makeContext({ request: tx({ to: BAD }) })),
      expected: ['critical'],
    },
    {
      name: 'blocklisted spender of an approval → critical',
      ctx: lists(makeContext({ approvals: [approval({ spender: BAD })] })),
      expected: ['critical'],
    },
    {
      name: 'blocklisted address hidden in a batch argument → critical',
      ctx: lists(
        makeContext({
          decoded: decoded({
            to: ERC20.address,
            functionName: 'multicall',
            inner: [decoded({ to: ERC20.address, args: [{ name: 'to', type: 'address', value: BAD }] })],
          }),
        }),
      ),
      expected: ['critical'],
    },
    {
      name: 'counterparty flagged by the engine’s list hits → critical',
      ctx: makeContext({
        counterparties: [counterparty(BAD, 'eoa', { lists: { allow: false, block: 'feed X' } })],
      }),
      expected: ['critical'],
    },
    {
      name: 'blocklisted recipient of a transfer → one finding even if seen twice',
      ctx: lists(
        makeContext({
          request: tx({ to: BAD }),
          transfers: [{ asset: ERC20, from: VAULT, to: BAD, amount: '1', evidence: 'log 0' }],
        }),
      ),
      expected: ['critical'],
    },
    {
      name: 'clean request → nothing',
      ctx: lists(makeContext({ request: tx({ to: ATTACKER }) })),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(blocklistedCounterpartyRule.evaluate(c.ctx)), c.expected);
    });
  }
  it('gives the list reason', () => {
    const [f] = blocklistedCounterpartyRule.evaluate(lists(makeContext({ request: tx({ to: BAD }) })));
    assert.equal(f?.evidence.reason, 'drainer (threat intel)');
  });
});
