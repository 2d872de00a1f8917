import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { untrustedDelegatecallRule } from '../../src/rules/untrusted-delegatecall.ts';
import type { AnalysisContext, CallFrame, Severity } from '../../src/types.ts';
import { decoded, makeContext, ROUTER, SAFE, severities, simulation, tx } from './context.ts';

const EVIL = '0xe7110000000000000000000000000000000000e7';
const SINGLETON = '0x41675c099f32341bf84bfc5382af534df5c7461a';

function frame(extra: Partial<CallFrame>): CallFrame {
  return {
    path: '0',
    depth: 0,
    type: 'CALL',
    from: SAFE,
    to: SAFE,
    value: '0',
    input: '0x',
    output: '0x',
    gasUsed: '0',
    ...extra,
  };
}

/** Safe execTransaction(to = target, operation = 1): calldata mentions the target. */
function safeDelegatecall(target: string, extra: Partial<AnalysisContext> = {}): AnalysisContext {
  const data = `0x6a761202${target.slice(2).padStart(64, '0')}${'00'.repeat(64)}` as const;
  return makeContext({
    request: tx({ to: SAFE, data }),
    decoded: decoded({
      to: SAFE,
      data,
      functionName: 'execTransaction',
      inner: [decoded({ to: target as `0x${string}`, operation: 'delegatecall', data: '0xa9059cbb' })],
    }),
    simulation: simulation({
      trace: [
        frame({ path: '0', from: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', to: SAFE, input: data }),
        frame({ path: '0.0', depth: 1, type: 'DELEGATECALL', from: SAFE, to: SINGLETON, input: data }),
        frame({
          path: '0.0.0',
          depth: 2,
          type: 'DELEGATECALL',
          from: SAFE,
          to: target as `0x${string}`,
          input: '0xa9059cbb',
        }),
      ],
    }),
    ...extra,
  });
}

describe('untrusted-delegatecall', () => {
  const slot0Write = {
    address: SAFE,
    slot: '0x0000000000000000000000000000000000000000000000000000000000000000' as const,
    before: `0x${SINGLETON.slice(2).padStart(64, '0')}` as const,
    after: `0x${EVIL.slice(2).padStart(64, '0')}` as const,
  };
  const cases: { name: string; ctx: AnalysisContext; expected: Severity[] }[] = [
    {
      name: 'delegatecall that overwrites slot 0 → critical',
      ctx: (() => {
        const c = safeDelegatecall(EVIL);
        return { ...c, simulation: { ...c.simulation, storageChanges: [slot0Write] } };
      })(),
      expected: ['critical'],
    },
    {
      name: 'delegatecall with a Safe singleton state change → critical',
      ctx: safeDelegatecall(EVIL, {
        stateChanges: [
          { address: SAFE, meaning: 'safe.singleton', before: SINGLETON, after: EVIL, description: '' },
        ],
      }),
      expected: ['critical'],
    },
    {
      name: 'delegatecall to unknown code, no critical state change → high',
      ctx: safeDelegatecall(EVIL),
      expected: ['high'],
    },
    {
      name: 'delegatecall to allowlisted code (MultiSend) → nothing',
      ctx: safeDelegatecall(ROUTER),
      expected: [],
    },
    {
      name: 'proxy forwarding to its implementation (target not in calldata) → nothing',
      ctx: (() => {
        const c = safeDelegatecall(EVIL);
        return {
          ...c,
          decoded: undefined,
          simulation: { ...c.simulation, trace: c.simulation.trace.slice(0, 2) },
        };
      })(),
      expected: [],
    },
    {
      name: 'decoded delegatecall without simulation → high',
      ctx: (() => {
        const c = safeDelegatecall(EVIL);
        return { ...c, simulation: { ...c.simulation, status: 'unavailable' as const, trace: [] } };
      })(),
      expected: ['high'],
    },
    {
      name: 'a reverted frame is ignored; the decoded delegatecall and the slot-0 write still → critical',
      ctx: (() => {
        const c = safeDelegatecall(EVIL);
        const trace = c.simulation.trace.map((f) => (f.path === '0.0.0' ? { ...f, error: 'revert' } : f));
        return { ...c, simulation: { ...c.simulation, trace, storageChanges: [slot0Write] } };
      })(),
      expected: ['critical'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(untrustedDelegatecallRule.evaluate(c.ctx)), c.expected);
    });
  }

  it('evidence names target, caller and what changed', () => {
    const c = safeDelegatecall(EVIL);
    const [f] = untrustedDelegatecallRule.evaluate({
      ...c,
      simulation: { ...c.simulation, storageChanges: [slot0Write] },
    });
    assert.equal(f?.evidence.target, EVIL);
    assert.equal(f?.evidence.caller, SAFE);
    assert.equal(f?.evidence.changes, 'storage slot 0');
  });
});
