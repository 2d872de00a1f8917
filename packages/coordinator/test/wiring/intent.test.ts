// Intent analysis before signing: a real fork of a local anvil finds the unlimited approval to a
// fresh contract; a simulator that is down yields an unavailable report (fail closed) that the
// policy blocks; every request records whether it was simulated (coverage).
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { type Anvil, startAnvil } from '@cairn/chains';
import { IntentError, type SimulationEngine } from '@cairn/intent';
import { Registry } from 'prom-client';
import { encodeFunctionData, erc20Abi, maxUint256 } from 'viem';
import { IntentService } from '../../src/intent/intent-service.ts';
import { IntentStore } from '../../src/intent/intent-store.ts';
import { CoordinatorPolicy } from '../../src/policy/coordinator-policy.ts';
import { PolicyStore } from '../../src/policy/policy-store.ts';
import { PreSignGate } from '../../src/policy/pre-sign-gate.ts';
import { INITIATOR_ID, initiatorPublicKey, signedGenesis, signedTx, tx } from './fixtures.ts';
import { deployer, deployScenario } from './scenario.ts';

const down: SimulationEngine = {
  name: 'down',
  async simulate() {
    throw new IntentError('RPC_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:1');
  },
  async close() {},
};

describe('intent analysis before signing', () => {
  let anvil: Anvil;
  let world: { token: `0x${string}`; drainer: `0x${string}` };
  const vault = () => ({
    vaultId: 'treasury',
    address: deployer.address.toLowerCase(),
    initiators: [{ id: INITIATOR_ID, publicKey: initiatorPublicKey }],
  });

  before(async () => {
    anvil = await startAnvil();
    world = await deployScenario(anvil.rpcUrl);
  });
  after(async () => {
    await anvil?.stop();
  });

  it('finds an unlimited approval to a fresh contract on a fork, and the policy blocks it', async () => {
    const db = new DatabaseSync(':memory:');
    const registry = new Registry();
    const intent = new IntentService({
      store: new IntentStore(db),
      chains: [{ chainId: 31337, rpcUrl: anvil.rpcUrl }],
      registry,
    });
    const policy = CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis() });
    const gate = new PreSignGate({ policy, intent });
    try {
      const request = signedTx({
        vaultId: 'treasury',
        transaction: tx({
          to: world.token,
          value: '0',
          gas: '100000',
          data: encodeFunctionData({
            abi: erc20Abi,
            functionName: 'approve',
            args: [world.drainer, maxUint256],
          }),
        }),
      });
      const r = { requestId: request.body.requestId, signedRequest: request };
      const analysed = await gate.analyze(r, vault(), Date.now());
      assert.ok(analysed?.simulated, analysed?.errorCode ?? '');
      assert.ok(analysed.facts.findingIds.includes('unlimited-approval'), JSON.stringify(analysed.facts));
      assert.equal(analysed.facts.riskLevel, 'high');
      assert.match(analysed.report?.summary ?? '', /unlimited/i);
      const routed = gate.decide(r, vault(), Date.now());
      assert.equal(routed.route, 'block');
      assert.equal(routed.decision?.decision.ruleId, 'block-high-risk');
      // Coverage: recorded per request and counted.
      assert.deepEqual(intent.store.coverage(), { requests: 1, simulated: 1, unavailable: 0, ratio: 1 });
      assert.match(
        await registry.metrics(),
        /cairn_coordinator_intent_analyses_total\{simulated="true",status="ok"\} 1/,
      );
    } finally {
      await intent.close();
    }
  });

  it('a simulator that is down gives an unavailable report, and the request is blocked (fail closed)', async () => {
    const db = new DatabaseSync(':memory:');
    const registry = new Registry();
    const intent = new IntentService({
      store: new IntentStore(db),
      chains: [{ chainId: 31337, rpcUrl: anvil.rpcUrl }],
      engineFor: () => down,
      registry,
    });
    const policy = CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis() });
    const gate = new PreSignGate({ policy, intent });
    // A small native transfer the policy would allow if it had been simulated.
    const request = signedTx({ vaultId: 'treasury', transaction: tx({ value: '1000' }) });
    const r = { requestId: request.body.requestId, signedRequest: request };
    const analysed = await gate.analyze(r, vault(), Date.now());
    assert.equal(analysed?.simulated, false);
    assert.equal(analysed?.status, 'unavailable');
    assert.equal(analysed?.errorCode, 'RPC_UNAVAILABLE');
    assert.deepEqual(analysed?.facts, {
      status: 'unavailable',
      riskLevel: 'unknown',
      findingIds: ['simulation-unavailable'],
    });
    const routed = gate.decide(r, vault(), Date.now());
    assert.equal(routed.route, 'block');
    assert.equal(routed.decision?.decision.code, 'NO_RULE_MATCHED');
    assert.deepEqual(intent.store.coverage(), { requests: 1, simulated: 0, unavailable: 1, ratio: 0 });
    assert.match(await registry.metrics(), /simulated="false",status="unavailable"\} 1/);
  });

  it('the explicit, policy-granted fallback lets an unsimulated small transfer through', async () => {
    const db = new DatabaseSync(':memory:');
    const intent = new IntentService({ store: new IntentStore(db), chains: [], engineFor: () => down });
    const genesis = signedGenesis();
    const state = structuredClone(genesis.state);
    state.policy.rules.splice(1, 0, {
      id: 'tiny-without-simulation',
      when: { kinds: ['transfer'], amount: { lte: '1000' }, intent: { allowUnavailable: true } },
      action: { type: 'allow' },
    });
    const policy = CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis(state) });
    const gate = new PreSignGate({ policy, intent });
    const request = signedTx({ vaultId: 'treasury', transaction: tx({ value: '1000' }) });
    const r = { requestId: request.body.requestId, signedRequest: request };
    const analysed = await gate.analyze(r, vault(), Date.now());
    assert.equal(analysed?.simulated, false);
    const routed = gate.decide(r, vault(), Date.now());
    assert.equal(routed.route, 'sign');
    assert.equal(routed.decision?.decision.ruleId, 'tiny-without-simulation');
  });
});
