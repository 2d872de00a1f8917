import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeConfigChangeRule } from '../../src/rules/safe-config-change.ts';
import type { AnalysisContext, Severity, StateChange, StateMeaning } from '../../src/types.ts';
import { ATTACKER, decoded, makeContext, SAFE, severities } from './context.ts';

const change = (meaning: StateMeaning, extra: Partial<StateChange> = {}): StateChange => ({
  address: SAFE,
  meaning,
  before: '1',
  after: '2',
  description: '',
  ...extra,
});

describe('safe-config-change', () => {
  const cases: { name: string; ctx: AnalysisContext; expected: Severity[] }[] = [
    {
      name: 'singleton change → critical',
      ctx: makeContext({ stateChanges: [change('safe.singleton')] }),
      expected: ['critical'],
    },
    {
      name: 'owner added → high',
      ctx: makeContext({
        stateChanges: [change('safe.owners', { key: ATTACKER, before: 'absent', after: 'present' })],
      }),
      expected: ['high'],
    },
    {
      name: 'threshold change → high',
      ctx: makeContext({ stateChanges: [change('safe.threshold')] }),
      expected: ['high'],
    },
    {
      name: 'module enabled → high',
      ctx: makeContext({ stateChanges: [change('safe.modules')] }),
      expected: ['high'],
    },
    {
      name: 'guard change → high',
      ctx: makeContext({ stateChanges: [change('safe.guard')] }),
      expected: ['high'],
    },
    {
      name: 'fallback handler change → high',
      ctx: makeContext({ stateChanges: [change('safe.fallbackHandler')] }),
      expected: ['high'],
    },
    {
      name: 'decoded enableModule inside a batch (no simulation) → high',
      ctx: makeContext({
        decoded: decoded({
          to: SAFE,
          functionName: 'execTransaction',
          inner: [decoded({ to: SAFE, functionName: 'enableModule' })],
        }),
      }),
      expected: ['high'],
    },
    {
      name: 'decoded call already seen as a state change is not repeated',
      ctx: makeContext({
        stateChanges: [change('safe.threshold')],
        decoded: decoded({ to: SAFE, functionName: 'changeThreshold' }),
      }),
      expected: ['high'],
    },
    {
      name: 'proxy implementation is another rule → nothing',
      ctx: makeContext({ stateChanges: [change('eip1967.implementation')] }),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(safeConfigChangeRule.evaluate(c.ctx)), c.expected);
    });
  }
});
