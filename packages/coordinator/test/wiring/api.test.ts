// The wiring through the coordinator's API, against a real anvil (simulation forks from it) and
// in-test fake signer nodes that also act as audit witnesses (fake-node.ts): the intent and
// policy gate, approvals (quorum, replay, rejection) with the approver's operation the CLI runs,
// governance changes, the audit export verified offline, and a simulator that is down.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  NoteSigner,
  parseKeysFile,
  parseNote,
  parseVerifierKey,
  policyReplayer,
  replayExport,
  SIG_COSIGNATURE_V1,
  SqliteWitnessStore,
  verifyExport,
  Witness,
} from '@cairn/audit';
import {
  ANVIL_DEV_PRIVATE_KEYS,
  type Anvil,
  EvmChain,
  evmAddressOfPublicKey,
  startAnvil,
} from '@cairn/chains';
import {
  type ApiError,
  approveOperation,
  type Coordinator,
  CoordinatorClient,
  type CoordinatorConfigInput,
  loadOrCreateLogKey,
  memoryLogger,
  proposeChangeOperation,
  type RequestView,
  startCoordinator,
} from '@cairn/coordinator';
import {
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  http,
  maxUint256,
  parseEther,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { cairn, settled } from '../e2e-harness.ts';
import { FAKE_PUBLIC_KEY, FakeNode } from '../fake-node.ts';
import { keygenJob, signedTransfer } from '../request-signing.ts';
import { approval, secretKeyOf, signedGenesis, testPolicy } from './fixtures.ts';
import { deployScenario } from './scenario.ts';

const ORIGIN = 'cairn.test/audit/coordinator';
const vaultAddress = evmAddressOfPublicKey(FAKE_PUBLIC_KEY as Hex);
const recipient = '0x000000000000000000000000000000000000bEEF';
const userKey = (id: string) => ({ userId: id, keyId: `${id}-key`, secretKey: secretKeyOf(id) });

describe('coordinator wiring: intent, policy, approvals, audit (fake nodes, real anvil)', () => {
  let anvil: Anvil;
  let chain: EvmChain;
  let world: { token: `0x${string}`; drainer: `0x${string}` };
  const nodes = [new FakeNode(1), new FakeNode(2), new FakeNode(3)];
  let dir: string;
  let coordinator: Coordinator;
  let client: CoordinatorClient;
  const logger = memoryLogger();

  function config(over: Partial<CoordinatorConfigInput> = {}): CoordinatorConfigInput {
    return {
      port: 0,
      dbPath: join(dir, 'coordinator.db'),
      chains: [{ chainId: 31337, rpcUrl: anvil.rpcUrl }],
      nodes: nodes.map((n) => ({ nodeId: n.nodeId, partyId: n.partyId, url: n.url })),
      signTimeoutMs: 5000,
      receiptPollMs: 20,
      policy: { genesis: signedGenesis() },
      audit: { origin: ORIGIN, keyFile: join(dir, 'audit-log.key'), checkpointIntervalMs: 60_000 },
      ...over,
    };
  }

  before(async () => {
    anvil = await startAnvil();
    chain = new EvmChain({ rpcUrl: anvil.rpcUrl, pollingIntervalMs: 20 });
    world = await deployScenario(anvil.rpcUrl);
    dir = mkdtempSync(join(tmpdir(), 'cairn-wiring-api-'));
    // The nodes witness the coordinator's log: they are provisioned with its key.
    const logKey = parseVerifierKey(loadOrCreateLogKey(ORIGIN, join(dir, 'audit-log.key')).verifierKey);
    for (const n of nodes) {
      n.witness = new Witness({
        signer: NoteSigner.generate(`cairn/witness/${n.nodeId}`, SIG_COSIGNATURE_V1),
        logs: [{ origin: ORIGIN, key: logKey }],
        store: SqliteWitnessStore.open(':memory:'),
      });
      await n.start();
    }
    coordinator = await startCoordinator(config(), { logger });
    client = new CoordinatorClient(coordinator.url);
    const wallet = createWalletClient({
      account: privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[1]),
      transport: http(anvil.rpcUrl),
    });
    await chain.waitForReceipt(
      await wallet.sendTransaction({ chain: foundry, to: vaultAddress, value: parseEther('50') }),
    );
    await client.createVault(keygenJob({ vaultId: 'treasury' }));
    assert.equal((await client.waitForVault('treasury')).status, 'ready');
  });
  after(async () => {
    await coordinator?.stop();
    for (const n of nodes) await n.stop();
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function submitTransfer(amount: string, to = recipient) {
    const prepared = await client.prepareTransfer('treasury', { to, amount });
    const request = signedTransfer({ vaultId: 'treasury', transaction: prepared.transaction as never });
    const { status, body } = await client.submit(request);
    assert.equal(status, 202);
    return body.requestId;
  }

  it('allows a small simulated transfer: received → simulated → approved → signing → … → confirmed', async () => {
    const id = await submitTransfer('0.001');
    const done = await client.waitForRequest(id);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    assert.deepEqual(
      done.events.map((e) => e.state),
      ['received', 'simulated', 'approved', 'signing', 'signed', 'broadcast', 'confirmed'],
    );
    assert.equal(done.intent?.simulated, true);
    assert.equal(done.policy?.decision.ruleId, 'small-native');
    // Every node got the intent, the decision and the policy hash to re-check.
    const job = nodes[0]!.jobs.at(-1) as unknown as Record<string, unknown>;
    assert.equal(job.policyHash, `0x${done.policy?.policyHash}`);
    assert.equal((job.decision as { outcome: string }).outcome, 'allow');
    assert.equal((job.intent as { digest: string }).digest, done.intent?.digest);
  });

  it('require_approvals waits in pending_approval and proceeds after the quorum of signed approvals', async () => {
    const id = await submitTransfer('5');
    let r = await client.waitForRequest(id, { until: settled });
    assert.equal(r.state, 'pending_approval', JSON.stringify(r.error));
    assert.equal(r.policy?.decision.outcome, 'require_approvals');
    assert.equal(r.intent?.simulated, true);
    const jobs = nodes.map((n) => n.jobs.length);
    const first = await approveOperation({
      api: client,
      requestId: id,
      key: userKey('carol'),
      verdict: 'approve',
    });
    assert.equal((first.response as { quorum: { status: string } }).quorum.status, 'pending');
    r = await client.request(id);
    assert.equal(r.state, 'pending_approval');
    assert.deepEqual(
      nodes.map((n) => n.jobs.length),
      jobs,
      'nothing is signed before the quorum',
    );
    await approveOperation({ api: client, requestId: id, key: userKey('dave'), verdict: 'approve' });
    r = await client.waitForRequest(id);
    assert.equal(r.state, 'confirmed', JSON.stringify(r.error));
    assert.deepEqual(
      r.events.map((e) => e.state),
      [
        'received',
        'simulated',
        'pending_approval',
        'approved',
        'signing',
        'signed',
        'broadcast',
        'confirmed',
      ],
    );
    assert.deepEqual(
      r.policy?.approvals.map((a) => a.approverId),
      ['carol', 'dave'],
    );
    const job = nodes[0]!.jobs.at(-1) as unknown as { approvals: unknown[] };
    assert.equal(job.approvals.length, 2);
  });

  it('refuses an approval replayed onto another request, and a required approver rejecting ends it', async () => {
    const a = await submitTransfer('6');
    const b = await submitTransfer('7');
    const ra = await client.waitForRequest(a, { until: settled });
    await client.waitForRequest(b, { until: settled });
    const carolOnA = approval(ra.policy!.binding, 'carol');
    await assert.rejects(
      client.call('POST', `/v1/requests/${b}/approvals`, carolOnA),
      (e: ApiError) => e.code === 'APPROVAL_MISMATCH' && e.status === 409,
    );
    const jobs = nodes.map((n) => n.jobs.length);
    await approveOperation({ api: client, requestId: b, key: userKey('carol'), verdict: 'approve' });
    await approveOperation({ api: client, requestId: b, key: userKey('erin'), verdict: 'reject' });
    const rb = await client.waitForRequest(b);
    assert.equal(rb.state, 'rejected');
    assert.equal(rb.error?.code, 'APPROVAL_REJECTED');
    assert.deepEqual(
      nodes.map((n) => n.jobs.length),
      jobs,
      'a rejected request is never sent to the nodes',
    );
    // A request that is no longer waiting takes no approvals.
    await assert.rejects(
      approveOperation({ api: client, requestId: b, key: userKey('dave'), verdict: 'approve' }),
      /waiting|rejected|NOT_PENDING/,
    );
    await approveOperation({ api: client, requestId: a, key: userKey('erin'), verdict: 'reject' });
    assert.equal((await client.waitForRequest(a)).state, 'rejected');
  });

  it('blocks an unlimited approve to a fresh contract, with the findings visible on the request', async () => {
    const prepared = await client.prepareCall('treasury', {
      to: world.token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [world.drainer, maxUint256] }),
    });
    const request = signedTransfer({ vaultId: 'treasury', transaction: prepared.transaction as never });
    const { body } = await client.submit(request);
    const r = await client.waitForRequest(body.requestId);
    assert.equal(r.state, 'rejected');
    assert.equal(r.error?.code, 'POLICY_BLOCKED');
    assert.equal(r.policy?.decision.ruleId, 'block-high-risk');
    assert.equal(r.intent?.riskLevel, 'high');
    assert.ok(
      r.intent?.findings.some((f) => f.ruleId === 'unlimited-approval' && f.severity === 'high'),
      JSON.stringify(r.intent?.findings),
    );
    assert.match(r.intent?.summary ?? '', /unlimited/i);
    assert.deepEqual(
      r.events.map((e) => e.state),
      ['received', 'simulated', 'rejected'],
    );
  });

  it('governance: an admin-signed change is applied, forwarded to every node, and audited', async () => {
    const before = (await client.call<{ version: number }>('GET', '/v1/policy')).body;
    assert.equal(before.version, 1);
    const { response } = await proposeChangeOperation({
      api: client,
      ops: [{ op: 'set_policy', policy: testPolicy({ version: 2 }) }],
      admins: [userKey('frank'), userKey('grace')],
    });
    const result = response as { version: number; nodes: { nodeId: string; ok: boolean }[] };
    assert.equal(result.version, 2);
    assert.equal(result.nodes.length, 3, 'forwarded to every node');
    // One admin is below the quorum.
    await assert.rejects(
      proposeChangeOperation({
        api: client,
        ops: [{ op: 'set_policy', policy: testPolicy({ version: 3 }) }],
        admins: [userKey('frank')],
      }),
      (e: ApiError) => e.code === 'INSUFFICIENT_SIGNATURES',
    );
  });

  it('cairn approve and cairn policy-activate, run as real processes', async () => {
    const keyFile = (id: string) => {
      const path = join(dir, `${id}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          userId: id,
          keyId: `${id}-key`,
          secretKey: Buffer.from(secretKeyOf(id)).toString('hex'),
        }),
        { mode: 0o600 },
      );
      return path;
    };
    // Asynchronously: the coordinator answering the CLI runs in this process.
    const cli = (args: string[]) => cairn(dir, [...args, '--api', coordinator.url]);
    assert.equal((await cli(['approve', '--help'])).code, 0);
    const id = await submitTransfer('3');
    await client.waitForRequest(id, { until: settled });
    const first = await cli(['approve', id, '--key', keyFile('carol')]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /approved as carol/);
    assert.match(first.stdout, /quorum +pending/);
    const second = await cli(['approve', id, '--key', keyFile('dave'), '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).statement.approverId, 'dave');
    assert.equal((await client.waitForRequest(id)).state, 'confirmed');
    // Approving again: the request no longer waits for approvals.
    const late = await cli(['approve', id, '--key', keyFile('erin')]);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /NOT_PENDING/);

    const policyFile = join(dir, 'policy-v3.json');
    writeFileSync(policyFile, JSON.stringify(testPolicy({ version: 3 })));
    const activated = await cli([
      'policy-activate',
      policyFile,
      '--admin-key',
      keyFile('frank'),
      '--admin-key',
      keyFile('grace'),
    ]);
    assert.match(activated.stdout, /policy version 3 active/, activated.stderr);
    // The fake nodes have no governance endpoint: each is reported as refusing (exit 1).
    assert.equal(activated.code, 1);
    const weak = await cli(['policy-activate', policyFile, '--admin-key', keyFile('frank')]);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /BASE_MISMATCH|INSUFFICIENT_SIGNATURES/);
  });

  it('the audit export of the run verifies offline, every checkpoint carries every node cosignature, decisions replay', async () => {
    const res = await fetch(`${coordinator.url}/v1/audit/export`);
    assert.equal(res.status, 200);
    const lines = (await res.text()).split('\n').filter(Boolean);
    const keys = (await client.call<unknown>('GET', '/v1/audit/keys')).body;
    const report = await verifyExport({ lines, keys: parseKeysFile(keys) });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.equal(parseKeysFile(keys).witnesses.length, 3);
    const parsed = lines.map((l) => JSON.parse(l));
    for (const c of parsed.filter((l) => l.type === 'checkpoint')) {
      assert.equal(parseNote(c.note).signatures.length, 4, `checkpoint ${c.size}: the log + 3 witnesses`);
    }
    const replay = await replayExport({ lines, replayer: policyReplayer() });
    assert.equal(replay.ok, true, JSON.stringify(replay.mismatches));
    assert.ok(replay.matched >= 6);
    // The API documents the new routes (generated from the same schemas).
    const openapi = (await client.call<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).body;
    for (const path of ['/v1/requests/{requestId}/approvals', '/v1/policy/changes', '/v1/audit/export'])
      assert.ok(openapi.paths[path], path);

    // Every custody state change of every request produced an entry.
    const entries = parsed.filter((l) => l.type === 'entry').map((l) => l.entry);
    const expected: Record<string, string[]> = {
      received: ['request.received'],
      simulated: ['intent.reported'],
      pending_approval: ['policy.decided'],
      approved: ['policy.decided', 'approval.recorded'],
      signing: ['signjob.accepted'],
      signed: ['signature.produced'],
      broadcast: ['tx.broadcast'],
      confirmed: ['tx.confirmed'],
      rejected: ['policy.decided', 'approval.recorded', 'signjob.refused'],
      failed: ['signjob.refused', 'tx.confirmed'],
    };
    const all = (await client.call<RequestView[]>('GET', '/v1/requests')).body;
    assert.ok(all.length >= 5);
    for (const r of all) {
      const kinds = new Set(entries.filter((e) => e.data.requestId === r.requestId).map((e) => e.kind));
      for (const e of r.events) {
        assert.ok(
          expected[e.state]!.some((k) => kinds.has(k)),
          `request ${r.requestId} state ${e.state}: no entry among ${[...kinds].join(', ')}`,
        );
      }
    }
    assert.ok(entries.some((e) => e.kind === 'policy.changed' && e.data.version === 2));
    assert.ok(entries.some((e) => e.kind === 'policy.changed' && e.data.version === 3));
    assert.ok(entries.some((e) => e.kind === 'key.generated'));
  });

  it('a request waiting for approvals survives a coordinator restart', async () => {
    const id = await submitTransfer('4');
    assert.equal((await client.waitForRequest(id, { until: settled })).state, 'pending_approval');
    await approveOperation({ api: client, requestId: id, key: userKey('carol'), verdict: 'approve' });
    await coordinator.stop();
    coordinator = await startCoordinator(config(), { logger });
    client = new CoordinatorClient(coordinator.url);
    assert.equal((await client.request(id)).state, 'pending_approval');
    await approveOperation({ api: client, requestId: id, key: userKey('dave'), verdict: 'approve' });
    const done = await client.waitForRequest(id);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    // The log carried on: its export still verifies after the restart.
    const lines = (await (await fetch(`${coordinator.url}/v1/audit/export`)).text())
      .split('\n')
      .filter(Boolean);
    const keys = (await client.call<unknown>('GET', '/v1/audit/keys')).body;
    const report = await verifyExport({ lines, keys: parseKeysFile(keys) });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
  });

  it('simulator unavailable → blocked (fail closed), and coverage shows it', async () => {
    await coordinator.stop();
    coordinator = await startCoordinator(
      config({ intent: { rpcUrls: { '31337': 'http://127.0.0.1:9/' }, timeoutMs: 2000 } }),
      {
        logger,
      },
    );
    client = new CoordinatorClient(coordinator.url);
    const id = await submitTransfer('0.001');
    const r = await client.waitForRequest(id);
    assert.equal(r.state, 'rejected');
    assert.equal(r.error?.code, 'POLICY_BLOCKED');
    assert.equal(r.intent?.simulated, false);
    assert.equal(r.intent?.riskLevel, 'unknown');
    const coverage = (
      await client.call<{ requests: number; unavailable: number; simulated: number }>(
        'GET',
        '/v1/intent/coverage',
      )
    ).body;
    assert.ok(coverage.unavailable >= 1);
    assert.ok(coverage.simulated >= 4);
    assert.match(
      await (await fetch(`${coordinator.url}/metrics`)).text(),
      /cairn_coordinator_intent_analyses_total\{simulated="false",status="unavailable"\} 1/,
    );
  });
});
