// Acceptance, end to end with real processes: anvil, three signer-node processes configured with
// the admin-signed policy genesis and as witnesses of the coordinator's audit log, the
// coordinator process with intent, policy and audit, and the `cairn` CLI. Every node re-checks
// the intent, the decision and the approvals itself before it joins a signature.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseNote } from '@cairn/audit';
import type { EvmTransaction } from '@cairn/chains';
import {
  type ApiError,
  approveOperation,
  CoordinatorClient,
  type DevCluster,
  type RequestView,
  readKeyFile,
  readUserKey,
  type VaultView,
} from '@cairn/coordinator';
import type { SignedRequest } from '@cairn/node';
import { encodeFunctionData, erc20Abi, maxUint256 } from 'viem';
import { signedTransfer } from '../request-signing.ts';
import { cairn, createFundedVault, logLines, settled, startTestCluster } from '../e2e-harness.ts';
import { APPROVAL_FORMAT, signApprovalEd25519 } from '@cairn/policy';
import { deployScenario } from './scenario.ts';

const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

describe('end to end: intent, policy, approvals and audit across real processes', () => {
  let dir: string;
  const userKey = (id: string) => readUserKey(join(dir, 'keys', `${id}.json`));
  let cluster: DevCluster;
  let cleanup: (() => Promise<void>) | undefined;
  let api: CoordinatorClient;
  let vault: VaultView;
  let initiatorKey: Uint8Array;
  let world: { token: `0x${string}`; drainer: `0x${string}` };

  before(async () => {
    // What `cairn dev` starts: the dev genesis signed by the dev admins, dev approvers, every node
    // re-simulating on the local chain and witnessing the coordinator's audit log.
    ({ cluster, dir, cleanup } = await startTestCluster({
      prefix: 'cairn-e2e-wiring-',
      governance: true,
      nodeConfig: { sessionTimeoutMs: 30_000 },
      coordinatorConfig: { signTimeoutMs: 45_000, healthIntervalMs: 500, receiptPollMs: 25 },
    }));
    api = new CoordinatorClient(cluster.coordinatorUrl);
    initiatorKey = readKeyFile(join(dir, 'keys', 'initiator.key'));
    await createFundedVault(dir, 'treasury', '20');
    vault = await api.vault('treasury');
    world = await deployScenario(cluster.anvil.rpcUrl);
  });
  after(async () => {
    await cleanup?.();
  });

  async function submit(tx: { to: string; amount?: string; data?: string }) {
    const prepared = tx.data
      ? await api.prepareCall(vault.vaultId, { to: tx.to, data: tx.data })
      : await api.prepareTransfer(vault.vaultId, { to: tx.to, amount: tx.amount ?? '0.001' });
    const request = signedTransfer({
      vaultId: vault.vaultId,
      transaction: prepared.transaction as EvmTransaction,
      key: initiatorKey,
      expiresIn: 600,
    });
    const { status } = await api.submit(request);
    assert.equal(status, 202);
    signed.set(request.body.requestId, request);
    return request.body.requestId;
  }
  const signed = new Map<string, SignedRequest>();

  /** An approval statement signed with a dev approver's key (for replay attempts). */
  function devApproval(binding: NonNullable<RequestView['policy']>['binding'], id: string) {
    const key = userKey(id);
    const now = Date.now();
    return signApprovalEd25519(
      {
        format: APPROVAL_FORMAT,
        ...binding,
        decision: 'approve',
        approverId: id,
        keyId: key.keyId,
        at: now,
        expiresAt: now + 600_000,
      },
      key.secretKey,
    );
  }

  const accepted = (requestId: string) =>
    cluster.nodes.filter((n) =>
      logLines(dir, n.nodeId).some((l) => l.event === 'sign_job_accepted' && l.requestId === requestId),
    ).length;

  it('a small transfer is simulated, allowed, re-checked by the nodes, signed and mined', async () => {
    const id = await submit({ to: bob, amount: '0.001' });
    const r = await api.waitForRequest(id);
    assert.equal(r.state, 'confirmed', JSON.stringify(r.error));
    assert.equal(r.intent?.simulated, true);
    assert.equal(r.policy?.decision.ruleId, 'small-native-transfers');
    assert.equal(accepted(id), 2);
  });

  it('require_approvals: waits, proceeds after the quorum; a replayed approval is refused; a rejection ends a request', async () => {
    const a = await submit({ to: bob, amount: '2' });
    const b = await submit({ to: bob, amount: '3' });
    const ra = await api.waitForRequest(a, { until: settled });
    assert.equal(ra.state, 'pending_approval', JSON.stringify(ra.error));
    await api.waitForRequest(b, { until: settled });
    await approveOperation({ api, requestId: a, key: userKey('approver-1'), verdict: 'approve' });
    await assert.rejects(
      api.call('POST', `/v1/requests/${b}/approvals`, devApproval(ra.policy!.binding, 'approver-1')),
      (e: ApiError) => e.code === 'APPROVAL_MISMATCH',
    );
    assert.equal((await api.request(a)).state, 'pending_approval');
    await approveOperation({ api, requestId: a, key: userKey('approver-2'), verdict: 'approve' });
    const done = await api.waitForRequest(a);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    assert.equal(accepted(a), 2, 'both signer nodes verified the approvals themselves');

    await approveOperation({ api, requestId: b, key: userKey('approver-3'), verdict: 'reject' });
    const rb = await api.waitForRequest(b);
    assert.equal(rb.state, 'rejected');
    assert.equal(rb.error?.code, 'APPROVAL_REJECTED');
    assert.equal(accepted(b), 0);

    // The nodes do not take the coordinator's word for it: the same job sent straight to a node
    // without the approvals (as a compromised coordinator would) is refused by the node itself.
    const job = {
      sessionId: `0x${randomBytes(32).toString('hex')}`,
      signers: [1, 2],
      request: signed.get(b),
      intent: { facts: rb.policy!.intentFacts, digest: rb.intent!.digest, report: rb.intent!.report },
      decision: rb.policy!.decision,
      approvals: [],
      policyHash: `0x${rb.policy!.policyHash}`,
    };
    const refused = await fetch(`${cluster.nodes[0]!.url}/v1/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(job),
    });
    const body = (await refused.json()) as { error?: { code: string } };
    assert.equal(refused.ok, false);
    assert.equal(body.error?.code, 'APPROVAL_MISSING', JSON.stringify(body));
  });

  it('an unlimited approve to a fresh contract is blocked, with the findings on GET /v1/requests/:id', async () => {
    const id = await submit({
      to: world.token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [world.drainer, maxUint256] }),
    });
    const r = await api.waitForRequest(id);
    assert.equal(r.state, 'rejected');
    assert.equal(r.error?.code, 'POLICY_BLOCKED');
    assert.ok(r.intent?.findings.some((f) => f.ruleId === 'unlimited-approval'));
    const shown = await cairn(dir, ['request', 'show', id, '--json']);
    assert.equal(JSON.parse(shown.stdout.trim().split('\n').at(-1)!).intent.riskLevel, 'high');
  });

  it('cairn policy-activate: the admins raise the small-transfer limit; every node accepts it and signs under it', async () => {
    const head = (
      await api.call<{ version: number; state: { policy: Record<string, unknown> } }>('GET', '/v1/policy')
    ).body;
    const policy = structuredClone(head.state.policy) as {
      version: number;
      rules: { id: string; when: { amount?: { lte: string } } }[];
    };
    policy.version = head.version + 1;
    policy.rules.find((r) => r.id === 'small-native-transfers')!.when.amount = {
      lte: (3n * 10n ** 18n).toString(),
    };
    writeFileSync(join(dir, 'policy-v2.json'), JSON.stringify(policy));
    const keys = join(dir, 'keys');
    const activated = await cairn(dir, [
      'policy-activate',
      join(dir, 'policy-v2.json'),
      '--admin-key',
      join(keys, 'policy-admin-1.json'),
      '--admin-key',
      join(keys, 'policy-admin-2.json'),
      '--json',
    ]);
    assert.equal(activated.code, 0, activated.stdout + activated.stderr);
    const result = JSON.parse(activated.stdout.trim().split('\n').at(-1)!).result as {
      version: number;
      nodes: { ok: boolean }[];
    };
    assert.equal(result.version, 2);
    assert.deepEqual(
      result.nodes.map((n) => n.ok),
      [true, true, true],
    );
    // Requests are evaluated at their submission second: submit after the activation instant.
    await new Promise((r) => setTimeout(r, 1100));
    const id = await submit({ to: bob, amount: '2.5' });
    const r = await api.waitForRequest(id);
    assert.equal(r.state, 'confirmed', JSON.stringify(r.error));
    assert.equal(r.policy?.decision.ruleId, 'small-native-transfers');
    assert.equal(accepted(id), 2, 'the nodes decided under the new policy too');
  });

  it('the audit export verifies offline with cairn audit verify; every checkpoint is cosigned by every node', async () => {
    const text = await (await fetch(`${cluster.coordinatorUrl}/v1/audit/export`)).text();
    const keys = (await api.call<unknown>('GET', '/v1/audit/keys')).body as { witnesses: string[] };
    assert.equal(keys.witnesses.length, 3);
    writeFileSync(join(dir, 'export.jsonl'), text);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const verified = await cairn(dir, [
      'audit',
      'verify',
      join(dir, 'export.jsonl'),
      '--keys',
      join(dir, 'keys.json'),
    ]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const checkpoints = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'checkpoint');
    assert.ok(checkpoints.length >= 1);
    for (const c of checkpoints) assert.equal(parseNote(c.note).signatures.length, 4);
    const replayed = await cairn(dir, ['audit', 'replay', join(dir, 'export.jsonl')]);
    assert.equal(replayed.code, 0, replayed.stdout + replayed.stderr);
  });
});
