import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OWNERSHIP_TRANSFERRED_TOPIC, ownershipTransferRule } from '../../src/rules/ownership-transfer.ts';
import type { AnalysisContext, CallFrame, EventLog, Severity } from '../../src/types.ts';
import { ATTACKER, decoded, makeContext, SAFE, severities, simulation as sim, VAULT } from './context.ts';

const OWNED = '0x0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e';
const word = (a: string) => `0x${a.slice(2).padStart(64, '0')}` as const;
/** transferOwnership(ATTACKER) calldata, and the event it emits when OWNED's owner was SAFE. */
const transferOwnershipToAttacker = `0xf2fde38b${word(ATTACKER).slice(2)}` as const;
const transferredToAttacker: EventLog = {
  address: OWNED,
  topics: [OWNERSHIP_TRANSFERRED_TOPIC, word(SAFE), word(ATTACKER)],
  data: '0x',
  framePath: '0.1',
  index: 0,
};

function frame(extra: Partial<CallFrame>): CallFrame {
  return {
    path: '0.1',
    depth: 1,
    type: 'CALL',
    from: SAFE,
    to: OWNED,
    value: '0',
    input: '0x',
    output: '0x',
    gasUsed: '0',
    ...extra,
  };
}

describe('ownership-transfer', () => {
  const cases: { name: string; ctx: AnalysisContext; expected: Severity[] }[] = [
    {
      name: 'ownable.owner state change → high',
      ctx: makeContext({
        stateChanges: [
          { address: OWNED, meaning: 'ownable.owner', before: SAFE, after: ATTACKER, description: '' },
        ],
      }),
      expected: ['high'],
    },
    {
      name: 'transferOwnership hidden in a batch (trace) → high',
      ctx: makeContext({
        simulation: sim({ trace: [frame({ input: transferOwnershipToAttacker })] }),
      }),
      expected: ['high'],
    },
    {
      name: 'OwnershipTransferred event → high',
      ctx: makeContext({
        simulation: sim({
          logs: [transferredToAttacker],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'constructor OwnershipTransferred (previous owner zero) → nothing',
      ctx: makeContext({
        simulation: sim({
          logs: [
            {
              address: OWNED,
              topics: [
                OWNERSHIP_TRANSFERRED_TOPIC,
                word('0x0000000000000000000000000000000000000000'),
                word(VAULT),
              ],
              data: '0x',
              framePath: '0',
              index: 0,
            },
          ],
        }),
      }),
      expected: [],
    },
    {
      name: 'event, trace and state change of one contract → one finding',
      ctx: makeContext({
        stateChanges: [
          { address: OWNED, meaning: 'ownable.owner', before: SAFE, after: ATTACKER, description: '' },
        ],
        simulation: sim({
          trace: [frame({ input: transferOwnershipToAttacker })],
          logs: [transferredToAttacker],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'ownership transferred to the vault itself → low',
      ctx: makeContext({
        stateChanges: [
          { address: OWNED, meaning: 'ownable.owner', before: SAFE, after: VAULT, description: '' },
        ],
      }),
      expected: ['low'],
    },
    {
      name: 'reverted transferOwnership frame → nothing',
      ctx: makeContext({
        simulation: sim({
          trace: [frame({ input: transferOwnershipToAttacker, error: 'revert' })],
        }),
      }),
      expected: [],
    },
    {
      name: 'decoded transferOwnership when not simulated → high',
      ctx: makeContext({
        simulation: sim({ status: 'unavailable' }),
        decoded: decoded({
          to: SAFE,
          functionName: 'multiSend',
          inner: [
            decoded({
              to: OWNED,
              functionName: 'transferOwnership',
              args: [{ name: 'newOwner', type: 'address', value: ATTACKER }],
            }),
          ],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'plain transfer → nothing',
      ctx: makeContext({ simulation: sim({ trace: [frame({ input: '0xa9059cbb' })] }) }),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(ownershipTransferRule.evaluate(c.ctx)), c.expected);
    });
  }

  it('names the new owner', () => {
    const [f] = ownershipTransferRule.evaluate(
      makeContext({ simulation: sim({ trace: [frame({ input: transferOwnershipToAttacker })] }) }),
    );
    assert.equal(f?.evidence.newOwner, ATTACKER);
    assert.equal(f?.evidence.contract, OWNED);
  });
});
