import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { untrustedSpenderRule } from '../../src/rules/untrusted-spender.ts';
import type { Approval, Severity } from '../../src/types.ts';
import { ATTACKER, approval, DRAINER, makeContext, ROUTER, severities, VAULT } from './context.ts';

const UNKNOWN = '0x9999999999999999999999999999999999999999';

describe('untrusted-spender', () => {
  const cases: { name: string; approvals: Approval[]; expected: Severity[] }[] = [
    {
      name: 'limited approval to an EOA → high',
      approvals: [approval({ spender: ATTACKER, amount: '5', unlimited: false })],
      expected: ['high'],
    },
    {
      name: 'approval to a non-allowlisted contract → medium',
      approvals: [approval({ amount: '5', unlimited: false })],
      expected: ['medium'],
    },
    {
      name: 'operator rights to an EOA → high',
      approvals: [approval({ kind: 'setApprovalForAll', spender: ATTACKER, all: true })],
      expected: ['high'],
    },
    {
      name: 'permit signature to an unknown spender → high',
      approvals: [
        approval({ kind: 'permit', spender: UNKNOWN, amount: '5', unlimited: false, source: 'typed-data' }),
      ],
      expected: ['high'],
    },
    { name: 'allowlisted spender → nothing', approvals: [approval({ spender: ROUTER })], expected: [] },
    {
      name: 'approval to the vault itself → nothing',
      approvals: [approval({ spender: VAULT })],
      expected: [],
    },
    {
      name: 'revocation → nothing',
      approvals: [approval({ spender: ATTACKER, revoked: true, unlimited: false, amount: '0' })],
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        severities(untrustedSpenderRule.evaluate(makeContext({ approvals: c.approvals }))),
        c.expected,
      );
    });
  }

  it('reports whether the spender was used before', () => {
    const [f] = untrustedSpenderRule.evaluate(makeContext({ approvals: [approval({ spender: DRAINER })] }));
    assert.equal(f?.evidence.firstInteraction, 'true');
    assert.equal(f?.evidence.spenderTrust, 'contract');
  });
});
