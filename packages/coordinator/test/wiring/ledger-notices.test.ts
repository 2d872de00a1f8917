// Velocity ledgers agree across the committee (docs/node-wiring.md "Limits"): after a 2-of-3
// request signed by nodes {1, 2}, the coordinator sends node 3 the ledger notice, so node 3 counts
// it. Real processes: anvil, three governed signer nodes, the coordinator. A velocity rule (vault
// sum over an hour ≤ 1.5 ETH) allows the first 1 ETH transfer; a second one needs an approval.
// With node 1 stopped, nodes {2, 3} sign the second: node 3 must reach the coordinator's decision
// (require approvals) — with a lagging ledger it would decide "allow" and refuse the job
// (POLICY_DECISION_MISMATCH).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvmTransaction } from '@cairn/chains';
import {
  approveOperation,
  CoordinatorClient,
  type DevCluster,
  readKeyFile,
  readUserKey,
  type VaultView,
} from '@cairn/coordinator';
import { signedTransfer } from '../request-signing.ts';
import { cairn, createFundedVault, logLines, settled, startTestCluster } from '../e2e-harness.ts';

const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const ONE_ETH = 10n ** 18n;

async function ledgerEntries(url: string): Promise<number> {
  const res = await fetch(new URL('/v1/policy', url));
  return ((await res.json()) as { ledgerEntries: number }).ledgerEntries;
}

describe('ledger notices: nodes that did not sign count the request too', () => {
  let dir: string;
  let cluster: DevCluster;
  let cleanup: (() => Promise<void>) | undefined;
  let api: CoordinatorClient;
  let vault: VaultView;
  let initiatorKey: Uint8Array;

  before(async () => {
    ({ cluster, dir, cleanup } = await startTestCluster({
      prefix: 'cairn-ledger-notices-',
      governance: true,
      nodeConfig: { sessionTimeoutMs: 20_000 },
      coordinatorConfig: { signTimeoutMs: 20_000, healthIntervalMs: 300, receiptPollMs: 25 },
    }));
    api = new CoordinatorClient(cluster.coordinatorUrl);
    initiatorKey = readKeyFile(join(dir, 'keys', 'initiator.key'));
    await createFundedVault(dir, 'treasury', '10');
    vault = await api.vault('treasury');
    const native = `eip155:${cluster.anvil.chainId}/slip44:60`;
    const policyFile = join(dir, 'velocity-policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        format: 'cairn.policy/v1',
        version: 2,
        name: 'velocity: 1.5 ETH per hour per vault, more needs one approver',
        timezone: 'UTC',
        pricing: { maxAgeSeconds: 300 },
        rules: [
          {
            id: 'within-velocity',
            when: {
              kinds: ['transfer'],
              assets: [native],
              amount: { lte: ONE_ETH.toString() },
              velocity: [
                {
                  scope: 'vault',
                  metric: 'amount',
                  windowSeconds: 3600,
                  lte: ((3n * ONE_ETH) / 2n).toString(),
                },
              ],
            },
            action: { type: 'allow' },
          },
          {
            id: 'over-velocity',
            when: {},
            action: {
              type: 'require_approvals',
              mode: 'all',
              initiatorMayApprove: false,
              expiresInSeconds: 3600,
              groups: [{ group: 'finance', threshold: 1 }],
            },
          },
        ],
      }),
    );
    const activated = await cairn(dir, [
      'policy-activate',
      policyFile,
      '--admin-key',
      join(dir, 'keys', 'policy-admin-1.json'),
      '--admin-key',
      join(dir, 'keys', 'policy-admin-2.json'),
    ]);
    assert.equal(activated.code, 0, activated.stdout + activated.stderr);
    // Requests carry second-granular creation times: start after the activation instant.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  after(async () => {
    await cleanup?.();
  });

  async function submit(amount: string): Promise<string> {
    const prepared = await api.prepareTransfer(vault.vaultId, { to: bob, amount });
    const request = signedTransfer({
      vaultId: vault.vaultId,
      transaction: prepared.transaction as EvmTransaction,
      key: initiatorKey,
      expiresIn: 600,
    });
    const { status } = await api.submit(request);
    assert.equal(status, 202);
    return request.body.requestId;
  }

  it('node 3 records a request signed by nodes 1 and 2, and then decides as they do', async () => {
    const [n1, n2, n3] = cluster.nodes;
    const before3 = await ledgerEntries(n3!.url);
    const first = await submit('1');
    const r1 = await api.waitForRequest(first);
    assert.equal(r1.state, 'confirmed', JSON.stringify(r1.error));
    assert.equal(r1.policy?.decision.ruleId, 'within-velocity');
    assert.deepEqual(r1.signers, [1, 2]);
    // The notice is best effort and asynchronous: wait for node 3's ledger to count it.
    for (let i = 0; i < 100 && (await ledgerEntries(n3!.url)) === before3; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await ledgerEntries(n3!.url), before3 + 1, 'node 3 counts the request it did not sign');
    assert.equal(await ledgerEntries(n3!.url), await ledgerEntries(n2!.url));
    // The coordinator logs the delivery only after node 3 has answered: wait for that line too.
    const delivered = () =>
      logLines(dir, 'coordinator').some(
        (l) => l.event === 'ledger_notice.delivered' && l.requestId === first,
      );
    for (let i = 0; i < 100 && !delivered(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(delivered(), 'the coordinator logs the delivered notice');

    // Node 1 goes away: the next request must be signed by nodes 2 and 3.
    await n1!.child.stop();
    const second = await submit('1');
    const pending = await api.waitForRequest(second, { until: settled });
    assert.equal(pending.state, 'pending_approval', JSON.stringify(pending.error));
    assert.equal(pending.policy?.decision.ruleId, 'over-velocity');
    await approveOperation({
      api,
      requestId: second,
      key: readUserKey(join(dir, 'keys', 'approver-1.json')),
      verdict: 'approve',
    });
    const r2 = await api.waitForRequest(second);
    assert.equal(r2.state, 'confirmed', `node 3 must agree: ${JSON.stringify(r2.error)}`);
    assert.deepEqual(r2.signers, [2, 3]);
    assert.ok(!logLines(dir, 'node-3').some((l) => l.event === 'sign_job_refused'), 'node 3 refused nothing');
  });
});
