import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eip7702AuthorizationRule } from '../../src/rules/eip7702-authorization.ts';
import { DRAINER, makeContext, ROUTER, severities, simulation, tx, VAULT } from './context.ts';

const ZERO = '0x0000000000000000000000000000000000000000';

describe('eip7702-authorization', () => {
  const cases = [
    {
      name: 'authorization list delegating to unknown code → high',
      ctx: makeContext({
        request: tx({ authorizationList: [{ chainId: 1, address: DRAINER, nonce: '0' }] }),
      }),
      expected: ['high'],
    },
    {
      name: 'even to allowlisted code → high (the whole account is handed over)',
      ctx: makeContext({ request: tx({ authorizationList: [{ chainId: 1, address: ROUTER, nonce: '0' }] }) }),
      expected: ['high'],
    },
    {
      name: 'revocation (delegate = zero address) → info',
      ctx: makeContext({ request: tx({ authorizationList: [{ chainId: 1, address: ZERO, nonce: '0' }] }) }),
      expected: ['info'],
    },
    {
      name: 'delegation seen as a code change (designator 0xef0100…) → high',
      ctx: makeContext({
        simulation: simulation({
          codeChanges: [{ address: VAULT, before: '0x', after: `0xef0100${DRAINER.slice(2)}` }],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'delegation as state change and authorization → one finding',
      ctx: makeContext({
        request: tx({ authorizationList: [{ chainId: 1, address: DRAINER, nonce: '0' }] }),
        stateChanges: [
          { address: VAULT, meaning: 'eip7702.delegation', before: ZERO, after: DRAINER, description: '' },
        ],
      }),
      expected: ['high'],
    },
    { name: 'ordinary transaction → nothing', ctx: makeContext(), expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(eip7702AuthorizationRule.evaluate(c.ctx)), c.expected);
    });
  }
});
