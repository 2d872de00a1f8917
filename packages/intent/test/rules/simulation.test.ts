import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIMULATION_REVERTED, simulationRevertedRule } from '../../src/rules/simulation-reverted.ts';
import {
  simulationDisagreementRule,
  simulationUnavailableRule,
} from '../../src/rules/simulation-unavailable.ts';
import type { AnalysisContext, SimulationSummary, TypedDataRequest } from '../../src/types.ts';
import { makeContext, severities, simulation, VAULT } from './context.ts';

const sim = (extra: Partial<SimulationSummary>): Partial<AnalysisContext> => ({
  simulation: simulation(extra),
});
const typed: TypedDataRequest = {
  kind: 'typed-data',
  chainId: 1,
  signer: VAULT,
  typedData: { domain: {}, types: { M: [] }, primaryType: 'M', message: {} },
};

describe('simulation-reverted', () => {
  it('reverted → high, marked as blocking, with the reason', () => {
    const [f, ...rest] = simulationRevertedRule.evaluate(
      makeContext(sim({ status: 'reverted', revertReason: 'DemoToken: balance' })),
    );
    assert.equal(rest.length, 0);
    assert.equal(f?.ruleId, SIMULATION_REVERTED);
    assert.equal(f?.severity, 'high');
    assert.equal(f?.evidence.blocks, 'true');
    assert.equal(f?.evidence.revertReason, 'DemoToken: balance');
  });
  it('reason falls back to the failing frame', () => {
    const [f] = simulationRevertedRule.evaluate(
      makeContext(
        sim({
          status: 'reverted',
          trace: [
            {
              path: '0',
              depth: 0,
              type: 'CALL',
              from: VAULT,
              to: VAULT,
              value: '0',
              input: '0x',
              output: '0x',
              gasUsed: '1',
              error: 'execution reverted',
              revertReason: 'nope',
            },
          ],
        }),
      ),
    );
    assert.equal(f?.evidence.revertReason, 'nope');
  });
  for (const status of ['ok', 'unavailable', 'not-applicable'] as const) {
    it(`${status} → nothing`, () => {
      assert.deepEqual(simulationRevertedRule.evaluate(makeContext(sim({ status }))), []);
    });
  }
});

describe('simulation-unavailable', () => {
  it('unavailable transaction → high with the error code', () => {
    const [f] = simulationUnavailableRule.evaluate(
      makeContext(
        sim({
          status: 'unavailable',
          engine: 'none',
          error: { code: 'RPC_UNAVAILABLE', message: 'connection refused' },
        }),
      ),
    );
    assert.equal(f?.severity, 'high');
    assert.equal(f?.evidence.code, 'RPC_UNAVAILABLE');
  });
  it('simulated transaction or typed data → nothing', () => {
    assert.deepEqual(simulationUnavailableRule.evaluate(makeContext()), []);
    assert.deepEqual(
      simulationUnavailableRule.evaluate(
        makeContext({ request: typed, ...sim({ status: 'not-applicable' }) }),
      ),
      [],
    );
  });
});

describe('simulation-disagreement', () => {
  it('second engine disagrees → high; agrees or absent → nothing', () => {
    const disagree = sim({ secondOpinion: { engine: 'eth_simulateV1', status: 'reverted', agrees: false } });
    assert.deepEqual(severities(simulationDisagreementRule.evaluate(makeContext(disagree))), ['high']);
    const agree = sim({ secondOpinion: { engine: 'eth_simulateV1', status: 'ok', agrees: true } });
    assert.deepEqual(simulationDisagreementRule.evaluate(makeContext(agree)), []);
    assert.deepEqual(simulationDisagreementRule.evaluate(makeContext()), []);
  });
});
