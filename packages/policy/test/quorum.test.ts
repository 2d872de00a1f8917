// Quorums: AND/OR of groups with thresholds, distinct approvers, initiator-as-approver,
// rejection, expiry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApprovalRequirement,
  type ApprovalStatement,
  distinctAssignment,
  evaluateQuorum,
} from '../src/index.ts';
import { CONTEXT, T0 } from './fixtures.ts';

const groupsOf = new Map<string, Set<string>>();
for (const g of CONTEXT.groups)
  for (const m of g.members) (groupsOf.get(m) ?? groupsOf.set(m, new Set()).get(m)!).add(g.id);

function req(
  mode: 'all' | 'any',
  groups: [string, number][],
  initiatorMayApprove = false,
): ApprovalRequirement {
  return {
    mode,
    groups: groups.map(([group, threshold]) => ({ group, threshold })),
    initiatorMayApprove,
    expiresAt: T0 + 3_600_000,
  };
}

function st(
  approverId: string,
  decision: 'approve' | 'reject' = 'approve',
  at = T0 + 1000,
): ApprovalStatement {
  return {
    format: 'cairn.approval/v1',
    requestId: 'r',
    requestDigest: 'a'.repeat(64),
    intentDigest: 'b'.repeat(64),
    policyHash: 'c'.repeat(64),
    decision,
    approverId,
    keyId: `${approverId}-key`,
    at,
    expiresAt: T0 + 7_200_000,
  };
}

function status(
  requirement: ApprovalRequirement,
  statements: ApprovalStatement[],
  initiator = 'bob',
  now = T0 + 5000,
) {
  return evaluateQuorum({ requirement, statements, initiator, groupsOf, submittedAt: T0, now }).status;
}

// finance = alice, carol, dave; security = dave, erin; traders = alice, bob
describe('quorum', () => {
  const table: [string, ApprovalRequirement, ApprovalStatement[], string, string?][] = [
    ['single group met', req('all', [['finance', 2]]), [st('carol'), st('dave')], 'satisfied'],
    ['single group one short', req('all', [['finance', 2]]), [st('carol')], 'pending'],
    [
      'duplicate approvals of one person count once',
      req('all', [['finance', 2]]),
      [st('carol'), st('carol')],
      'pending',
    ],
    ['non-member approvals do not count', req('all', [['finance', 1]]), [st('erin')], 'pending'],
    [
      'AND: both groups met',
      req('all', [
        ['finance', 1],
        ['security', 1],
      ]),
      [st('carol'), st('erin')],
      'satisfied',
    ],
    [
      'AND: one group missing',
      req('all', [
        ['finance', 1],
        ['security', 1],
      ]),
      [st('carol')],
      'pending',
    ],
    [
      'AND: one person cannot fill two groups',
      req('all', [
        ['finance', 1],
        ['security', 1],
      ]),
      [st('dave')],
      'pending',
    ],
    [
      'AND: a shared member fills the group that needs them',
      req('all', [
        ['finance', 1],
        ['security', 1],
      ]),
      [st('dave'), st('carol')],
      'satisfied',
    ],
    [
      'AND: assignment needs re-routing',
      req('all', [
        ['security', 1],
        ['finance', 2],
      ]),
      [st('dave'), st('erin'), st('carol')],
      'satisfied',
    ],
    [
      'AND: thresholds summing beyond approvers',
      req('all', [
        ['finance', 2],
        ['security', 2],
      ]),
      [st('carol'), st('dave'), st('erin')],
      'pending',
    ],
    [
      'OR: either group suffices',
      req('any', [
        ['finance', 2],
        ['security', 1],
      ]),
      [st('erin')],
      'satisfied',
    ],
    [
      'OR: neither group met',
      req('any', [
        ['finance', 2],
        ['security', 2],
      ]),
      [st('carol'), st('erin')],
      'pending',
    ],
    [
      'OR: one person may count in the group that is met',
      req('any', [
        ['finance', 1],
        ['security', 1],
      ]),
      [st('dave')],
      'satisfied',
    ],
    ['initiator may not approve by default', req('all', [['finance', 1]]), [st('alice')], 'pending', 'alice'],
    [
      'initiator may approve when allowed',
      req('all', [['finance', 1]], true),
      [st('alice')],
      'satisfied',
      'alice',
    ],
    [
      'initiator allowed but still needs others for threshold 2',
      req('all', [['finance', 2]], true),
      [st('alice')],
      'pending',
      'alice',
    ],
    [
      'rejection by a required approver ends the request',
      req('all', [['finance', 1]]),
      [st('carol'), st('dave', 'reject')],
      'rejected',
    ],
    [
      'rejection wins over the same person approving',
      req('any', [['finance', 1]]),
      [st('carol'), st('carol', 'reject')],
      'rejected',
    ],
    [
      'rejection by a non-member is ignored',
      req('all', [['finance', 1]]),
      [st('carol'), st('erin', 'reject')],
      'satisfied',
    ],
    [
      'rejection by the excluded initiator is ignored',
      req('all', [['finance', 1]]),
      [st('carol'), st('alice', 'reject')],
      'satisfied',
      'alice',
    ],
    [
      'approval before submission does not count',
      req('all', [['finance', 1]]),
      [st('carol', 'approve', T0 - 1)],
      'pending',
    ],
    [
      'approval after the window does not count',
      req('all', [['finance', 1]]),
      [st('carol', 'approve', T0 + 3_600_001)],
      'pending',
    ],
  ];
  for (const [name, requirement, statements, want, initiator] of table) {
    it(name, () => assert.equal(status(requirement, statements, initiator), want));
  }
  it('expiry: satisfied until expiresAt, expired after', () => {
    const r = req('all', [['finance', 1]]);
    assert.equal(status(r, [st('carol')], 'bob', r.expiresAt), 'satisfied');
    assert.equal(status(r, [st('carol')], 'bob', r.expiresAt + 1), 'expired');
    assert.equal(status(r, [], 'bob', r.expiresAt + 1), 'expired');
  });
  it('reports who approved per group and why statements were ignored', () => {
    const q = evaluateQuorum({
      requirement: req('all', [
        ['finance', 1],
        ['security', 1],
      ]),
      statements: [st('carol'), st('alice'), st('bob')],
      initiator: 'alice',
      groupsOf,
      submittedAt: T0,
      now: T0 + 5000,
    });
    assert.deepEqual(q.groups[0]!.approvedBy, ['carol']);
    assert.deepEqual(
      q.ignored.map((i) => i.approverId),
      ['alice', 'bob'],
    );
    assert.match(q.explanation, /finance 1\/1 AND security 0\/1/);
  });
  it('distinctAssignment agrees with brute force on small cases', () => {
    const people = ['p', 'q', 'r', 's'];
    for (let mask = 0; mask < 1 << 8; mask++) {
      const g1 = people.filter((_, i) => mask & (1 << i));
      const g2 = people.filter((_, i) => mask & (1 << (i + 4)));
      for (const [t1, t2] of [
        [1, 1],
        [2, 1],
        [1, 2],
        [2, 2],
      ] as const) {
        let brute = false;
        const all = [...new Set([...g1, ...g2])];
        // try every way to label approvers as g1, g2 or unused
        for (let lab = 0; lab < 3 ** all.length && !brute; lab++) {
          let x = lab;
          let c1 = 0;
          let c2 = 0;
          let okk = true;
          for (const a of all) {
            const l = x % 3;
            x = Math.floor(x / 3);
            if (l === 1) {
              if (g1.includes(a)) c1++;
              else okk = false;
            }
            if (l === 2) {
              if (g2.includes(a)) c2++;
              else okk = false;
            }
          }
          if (okk && c1 >= t1 && c2 >= t2) brute = true;
        }
        assert.equal(
          distinctAssignment([
            { threshold: t1, members: g1 },
            { threshold: t2, members: g2 },
          ]),
          brute,
          `${g1}|${g2}|${t1},${t2}`,
        );
      }
    }
  });
});
