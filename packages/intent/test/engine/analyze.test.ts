// analyzeTransaction with stub engines: every kind of engine trouble ends in a fail-closed report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFunctionData, parseAbi } from 'viem';
import {
  analyzeTransaction,
  IntentError,
  type RawSimulation,
  type SimulationEngine,
  SimulationCoverage,
  toIntentFacts,
} from '../../src/index.ts';

const VAULT = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const SPENDER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';
const approve = encodeFunctionData({
  abi: parseAbi(['function approve(address,uint256)']),
  functionName: 'approve',
  args: [SPENDER, 2n ** 256n - 1n],
});
const request = { chainId: 1, from: VAULT, to: TOKEN, data: approve };

const engine = (simulate: SimulationEngine['simulate']): SimulationEngine => ({
  name: 'stub',
  simulate,
  close: async () => {},
});

const okSimulation = (reader: RawSimulation['reader']): RawSimulation => ({
  engine: 'stub',
  status: 'ok',
  block: { number: '10', hash: `0x${'ab'.repeat(32)}`, timestamp: '1700000000' },
  gasUsed: 46000n,
  returnData: '0x',
  trace: [
    {
      path: '0',
      depth: 0,
      type: 'CALL',
      from: VAULT,
      to: TOKEN,
      value: '0',
      input: approve,
      output: '0x',
      gasUsed: '46000',
    },
  ],
  logs: [],
  storageChanges: [],
  codeChanges: [],
  complete: true,
  reader,
});

describe('analyzeTransaction fails closed', () => {
  it('engine error → unavailable, risk unknown, approvals from calldata', async () => {
    const coverage = new SimulationCoverage();
    const { report } = await analyzeTransaction(request, {
      coverage,
      engine: engine(async () => {
        throw new IntentError('RPC_UNAVAILABLE', 'down');
      }),
    });
    assert.equal(report.simulation.status, 'unavailable');
    assert.equal(report.simulation.error?.code, 'RPC_UNAVAILABLE');
    assert.equal(report.riskLevel, 'unknown');
    assert.equal(report.simulated, false);
    assert.equal(report.approvals[0]?.spender, SPENDER);
    assert.equal(report.approvals[0]?.unlimited, true);
    assert.equal(toIntentFacts(report).status, 'unavailable');
    assert.deepEqual(coverage.snapshot().unavailableByCode, { RPC_UNAVAILABLE: 1 });
  });

  it('an engine that never answers is cut off by the deadline', async () => {
    const { report } = await analyzeTransaction(request, {
      timeoutMs: 50,
      engine: engine(() => new Promise(() => {})),
    });
    assert.equal(report.simulation.status, 'unavailable');
    assert.equal(report.simulation.error?.code, 'TIMEOUT');
  });

  it('chain reads failing after the simulation → unavailable (no partial report)', async () => {
    const failing: RawSimulation['reader'] = {
      scope: 'stub',
      calls: async () => {
        throw new IntentError('RPC_UNAVAILABLE', 'gone');
      },
      codes: async () => {
        throw new IntentError('RPC_UNAVAILABLE', 'gone');
      },
    };
    const { report } = await analyzeTransaction(request, {
      engine: engine(async () => okSimulation(failing)),
    });
    assert.equal(report.simulation.status, 'unavailable');
    assert.equal(report.riskLevel, 'unknown');
    assert.match(report.simulation.error?.message ?? '', /reading chain state/);
  });

  it('a healthy stub gives a simulated report with the block it ran on', async () => {
    const reader: RawSimulation['reader'] = {
      scope: 'stub-ok',
      calls: async (r) => r.map(() => undefined),
      codes: async (a) => a.map(() => '0x6000'),
    };
    const { report } = await analyzeTransaction(request, {
      engine: engine(async () => okSimulation(reader)),
    });
    assert.equal(report.simulation.status, 'ok');
    assert.deepEqual(report.simulation.block, {
      number: '10',
      hash: `0x${'ab'.repeat(32)}`,
      timestamp: '1700000000',
    });
    assert.equal(report.counterparties[0]?.kind, 'contract');
    assert.equal(report.trace[0]?.function, 'approve(address,uint256)');
  });
});
