// Pure parts of the request lifecycle: allowed transitions and signer choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, chooseSigners, isTerminal, REQUEST_STATES } from '@cairn/coordinator';

describe('request lifecycle', () => {
  it('only moves forward and never leaves a terminal state', () => {
    assert.ok(canTransition('received', 'signing'));
    assert.ok(canTransition('signing', 'signing'), 'a new attempt with another signer set');
    assert.ok(canTransition('signed', 'broadcast'));
    assert.ok(!canTransition('signed', 'signing'), 'a signed request is never signed again');
    assert.ok(!canTransition('broadcast', 'signed'));
    assert.ok(!canTransition('received', 'broadcast'));
    for (const end of ['confirmed', 'rejected', 'failed'] as const) {
      for (const to of REQUEST_STATES) assert.ok(!canTransition(end, to), `${end} → ${to}`);
      assert.ok(isTerminal(end, 'evm.transaction'));
    }
    assert.ok(isTerminal('signed', 'evm.personal-message'));
    assert.ok(!isTerminal('signed', 'evm.transaction'));
  });

  it('chooses t signers, live nodes first, never an excluded one', () => {
    const up = new Set([1, 2, 3]);
    const isUp = (p: number) => up.has(p);
    assert.deepEqual(chooseSigners({ parties: [1, 2, 3], threshold: 2, exclude: new Set(), isUp }), [1, 2]);
    up.delete(1);
    assert.deepEqual(chooseSigners({ parties: [1, 2, 3], threshold: 2, exclude: new Set(), isUp }), [2, 3]);
    assert.deepEqual(
      chooseSigners({ parties: [1, 2, 3], threshold: 2, exclude: new Set([3]), isUp }),
      [1, 2],
    );
    assert.equal(chooseSigners({ parties: [1, 2, 3], threshold: 2, exclude: new Set([1, 3]), isUp }), null);
  });
});
