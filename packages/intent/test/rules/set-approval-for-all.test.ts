import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setApprovalForAllRule } from '../../src/rules/set-approval-for-all.ts';
import type { Approval, Severity } from '../../src/types.ts';
import { ATTACKER, approval, DRAINER, makeContext, NFT, ROUTER, severities } from './context.ts';

const forAll = (extra: Partial<Approval>) =>
  approval({ kind: 'setApprovalForAll', token: NFT, all: true, amount: undefined, ...extra });

describe('set-approval-for-all', () => {
  const cases: { name: string; approvals: Approval[]; expected: Severity[] }[] = [
    { name: 'to a fresh contract → high', approvals: [forAll({ spender: DRAINER })], expected: ['high'] },
    { name: 'to an EOA → high', approvals: [forAll({ spender: ATTACKER })], expected: ['high'] },
    {
      name: 'to an allowlisted marketplace → low',
      approvals: [forAll({ spender: ROUTER })],
      expected: ['low'],
    },
    { name: 'revoking (false) → nothing', approvals: [forAll({ revoked: true })], expected: [] },
    { name: 'a plain ERC-20 approval → nothing', approvals: [approval({})], expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        severities(setApprovalForAllRule.evaluate(makeContext({ approvals: c.approvals }))),
        c.expected,
      );
    });
  }
});
