import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unlimitedApprovalRule } from '../../src/rules/unlimited-approval.ts';
import type { Approval, Severity } from '../../src/types.ts';
import { ATTACKER, approval, DRAINER, FRIEND, makeContext, ROUTER, severities } from './context.ts';

describe('unlimited-approval', () => {
  const cases: { name: string; approvals: Approval[]; expected: Severity[] }[] = [
    { name: 'unlimited to a fresh contract → high', approvals: [approval({})], expected: ['high'] },
    { name: 'unlimited to an EOA → high', approvals: [approval({ spender: ATTACKER })], expected: ['high'] },
    {
      name: 'unlimited to an allowlisted router → medium',
      approvals: [approval({ spender: ROUTER })],
      expected: ['medium'],
    },
    {
      name: 'address-book EOA is not a trusted spender → high',
      approvals: [approval({ spender: FRIEND })],
      expected: ['high'],
    },
    {
      name: 'unlimited Permit2 signature to an unknown spender → high',
      approvals: [
        approval({
          kind: 'permit2-permit',
          spender: '0x1234567890123456789012345678901234567890',
          source: 'typed-data',
        }),
      ],
      expected: ['high'],
    },
    {
      name: 'limited approval → nothing',
      approvals: [approval({ amount: '1000', unlimited: false })],
      expected: [],
    },
    {
      name: 'revocation → nothing',
      approvals: [approval({ amount: '0', unlimited: false, revoked: true })],
      expected: [],
    },
    {
      name: 'setApprovalForAll is left to its own rule',
      approvals: [approval({ kind: 'setApprovalForAll', all: true, amount: undefined })],
      expected: [],
    },
    {
      name: 'approval by another account (not the vault) → nothing',
      approvals: [approval({ owner: DRAINER, spender: ATTACKER })],
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = unlimitedApprovalRule.evaluate(makeContext({ approvals: c.approvals }));
      assert.deepEqual(severities(findings), c.expected);
      for (const f of findings) assert.equal(f.ruleId, 'unlimited-approval');
    });
  }

  it('names spender, token and trust in the evidence', () => {
    const [f] = unlimitedApprovalRule.evaluate(makeContext({ approvals: [approval({})] }));
    assert.equal(f?.evidence.spender, DRAINER);
    assert.equal(f?.evidence.spenderTrust, 'contract');
    assert.match(f?.message ?? '', /unlimited/);
  });
});
