// The policy and approval states of the lifecycle: nothing reaches `signing` from a decision
// without passing through `approved`, and a request waiting for approvals can only be approved,
// rejected or failed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, isTerminal } from '@cairn/coordinator';

describe('lifecycle with intent, policy and approvals', () => {
  it('received → simulated → pending_approval → approved → signing, and no shortcut to signing', () => {
    for (const [from, to] of [
      ['received', 'simulated'],
      ['simulated', 'pending_approval'],
      ['simulated', 'approved'],
      ['pending_approval', 'approved'],
      ['approved', 'signing'],
      ['simulated', 'rejected'],
      ['pending_approval', 'rejected'],
      ['pending_approval', 'failed'],
    ] as const)
      assert.ok(canTransition(from, to), `${from} → ${to}`);
    for (const [from, to] of [
      ['simulated', 'signing'],
      ['pending_approval', 'signing'],
      ['pending_approval', 'simulated'],
      ['approved', 'pending_approval'],
      ['signing', 'approved'],
      ['signed', 'pending_approval'],
    ] as const)
      assert.ok(!canTransition(from, to), `${from} → ${to}`);
    for (const s of ['simulated', 'pending_approval', 'approved'] as const)
      assert.ok(!isTerminal(s, 'evm.transaction'));
  });
});
