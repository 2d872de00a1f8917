// Coordinator-internal behaviour against a real anvil, with in-test fake nodes (fake-node.ts):
// admission at the boundary, idempotency, the state machine, retries on unavailable nodes,
// node refusals, persistence across restarts. The acceptance e2e with real node processes is e2e.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ANVIL_DEV_PRIVATE_KEYS,
  type Anvil,
  EvmChain,
  evmAddressOfPublicKey,
  startAnvil,
  transactionSigningHash,
} from '@cairn/chains';
import {
  type ApiError,
  type Coordinator,
  CoordinatorClient,
  type CoordinatorConfigInput,
  memoryLogger,
  startCoordinator,
} from '@cairn/coordinator';
import { publicKeyOf } from '@cairn/node';
import { createWalletClient, type Hex, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { FAKE_PUBLIC_KEY, FakeNode } from './fake-node.ts';
import { admin1, admin2, keygenJob, signedTransfer } from './request-signing.ts';

const vaultAddress = evmAddressOfPublicKey(FAKE_PUBLIC_KEY as Hex);
const recipient = '0x000000000000000000000000000000000000bEEF';

describe('coordinator (fake nodes, real anvil)', () => {
  let anvil: Anvil;
  let chain: EvmChain;
  const nodes = [new FakeNode(1), new FakeNode(2), new FakeNode(3)];
  let dir: string;
  let coordinator: Coordinator;
  let client: CoordinatorClient;
  const logger = memoryLogger();
  let config: CoordinatorConfigInput;

  before(async () => {
    anvil = await startAnvil();
    chain = new EvmChain({ rpcUrl: anvil.rpcUrl, pollingIntervalMs: 20 });
    for (const n of nodes) await n.start();
    dir = mkdtempSync(join(tmpdir(), 'cairn-coord-'));
    config = {
      port: 0,
      dbPath: join(dir, 'coordinator.db'),
      chains: [{ chainId: 31337, rpcUrl: anvil.rpcUrl }],
      nodes: nodes.map((n) => ({ nodeId: n.nodeId, partyId: n.partyId, url: n.url })),
      admins: { keys: [publicKeyOf(admin1), publicKeyOf(admin2)], quorum: 2 },
      signTimeoutMs: 5000,
      receiptPollMs: 20,
    };
    coordinator = await startCoordinator(config, { logger });
    client = new CoordinatorClient(coordinator.url);
    const wallet = createWalletClient({
      account: privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[1]),
      transport: http(anvil.rpcUrl),
    });
    await chain.waitForReceipt(
      await wallet.sendTransaction({ chain: foundry, to: vaultAddress, value: parseEther('5') }),
    );
  });
  after(async () => {
    await coordinator?.stop();
    for (const n of nodes) await n.stop();
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a keygen job without the admin quorum, and creates a vault with it', async () => {
    await assert.rejects(
      client.createVault(keygenJob({ vaultId: 'weak', admins: [admin1] })),
      (e: ApiError) => {
        assert.equal(e.code, 'BAD_SIGNATURE');
        assert.match(e.message, /1 valid admin signature/);
        return true;
      },
    );
    assert.ok(logger.lines.some((l) => l.event === 'vault.refused' && l.level === 'warn'));
    assert.equal(nodes[0]!.keygens, 0);
    const created = await client.createVault(keygenJob({ vaultId: 'treasury' }));
    assert.equal(created.status, 'creating');
    const ready = await client.waitForVault('treasury');
    assert.equal(ready.status, 'ready');
    assert.equal(ready.address, vaultAddress);
    assert.deepEqual(
      ready.progress.map((p) => p.status),
      ['done', 'done', 'done'],
    );
    await assert.rejects(client.createVault(keygenJob({ vaultId: 'treasury' })), { code: 'VAULT_EXISTS' });
  });

  it('signs, broadcasts and confirms a native transfer through explicit, persisted states', async () => {
    const before = await chain.getBalance(recipient);
    const prepared = await client.prepareTransfer('treasury', { to: recipient, amount: '0.25' });
    assert.equal(prepared.from, vaultAddress);
    const request = signedTransfer({ vaultId: 'treasury', transaction: prepared.transaction as never });
    const { status, body } = await client.submit(request);
    assert.equal(status, 202);
    assert.equal(body.state, 'received');
    const done = await client.waitForRequest(body.requestId);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    assert.deepEqual(
      done.events.map((e) => e.state),
      ['received', 'signing', 'signed', 'broadcast', 'confirmed'],
    );
    assert.deepEqual(done.signers, [1, 2]);
    // the job carries the coordinator's payload for the nodes to cross-check (never to sign as given)
    const job = nodes[0]!.jobs.at(-1) as { payload?: string; request: { body: { requestId: string } } };
    assert.equal(job.request.body.requestId, body.requestId);
    assert.equal(job.payload, transactionSigningHash(prepared.transaction as never));
    assert.equal((await chain.getBalance(recipient)) - before, parseEther('0.25'));
    // the same request again is idempotent: same request, nothing new signed
    const jobs = nodes[0]!.jobs.length;
    const again = await client.submit(request);
    assert.equal(again.status, 200);
    assert.equal(again.body.requestId, body.requestId);
    assert.equal(nodes[0]!.jobs.length, jobs);
  });

  it('refuses bad signature, replay, idempotency conflict, expiry and strangers at the boundary', async () => {
    const prepared = await client.prepareTransfer('treasury', { to: recipient, amount: '0.01' });
    const tx = prepared.transaction as never;
    const jobsBefore = nodes.map((n) => n.jobs.length);
    const good = signedTransfer({ vaultId: 'treasury', transaction: tx });
    const tampered = {
      ...good,
      body: { ...good.body, transaction: { ...good.body.transaction!, value: '1' } },
    };
    await assert.rejects(
      client.submit(tampered),
      (e: ApiError) => e.code === 'BAD_SIGNATURE' && e.status === 401,
    );
    const expired = signedTransfer({
      vaultId: 'treasury',
      transaction: tx,
      createdAt: Math.floor(Date.now() / 1000) - 600,
      expiresIn: 60,
    });
    await assert.rejects(client.submit(expired), (e: ApiError) => e.code === 'EXPIRED' && e.status === 422);
    const tooLong = signedTransfer({ vaultId: 'treasury', transaction: tx, expiresIn: 7200 });
    await assert.rejects(client.submit(tooLong), { code: 'EXPIRED' });
    const { randomSigningKey } = await import('@cairn/node');
    const stranger = signedTransfer({ vaultId: 'treasury', transaction: tx, key: randomSigningKey() });
    await assert.rejects(client.submit(stranger), { code: 'NOT_INITIATOR' });
    const unknown = signedTransfer({ vaultId: 'nope', transaction: tx });
    await assert.rejects(client.submit(unknown), { code: 'UNKNOWN_VAULT' });
    await assert.rejects(client.call('POST', '/v1/requests', { body: {} }), { code: 'INVALID_INPUT' });

    const first = signedTransfer({ vaultId: 'treasury', transaction: tx, idempotencyKey: 'pay-1' });
    assert.equal((await client.submit(first)).status, 202);
    await client.waitForRequest(first.body.requestId);
    const replay = signedTransfer({ vaultId: 'treasury', transaction: tx, nonce: first.body.nonce });
    await assert.rejects(client.submit(replay), (e: ApiError) => e.code === 'REPLAYED' && e.status === 409);
    const conflict = signedTransfer({ vaultId: 'treasury', transaction: tx, idempotencyKey: 'pay-1' });
    await assert.rejects(client.submit(conflict), { code: 'IDEMPOTENCY_CONFLICT' });

    // Every refusal left an audit-worthy line and no sign job beyond the one accepted request.
    const refusals = logger.lines.filter((l) => l.event === 'request.refused').map((l) => l.code);
    for (const code of [
      'BAD_SIGNATURE',
      'EXPIRED',
      'NOT_INITIATOR',
      'UNKNOWN_VAULT',
      'REPLAYED',
      'IDEMPOTENCY_CONFLICT',
    ]) {
      assert.ok(refusals.includes(code), `no refusal line for ${code}`);
    }
    const jobsAfter = nodes.map((n) => n.jobs.length);
    assert.equal(jobsAfter.reduce((a, b) => a + b, 0) - jobsBefore.reduce((a, b) => a + b, 0), 2);
  });

  it('surfaces a node refusal as a rejected request with the node code', async () => {
    nodes[1]!.behaviour = {
      kind: 'refuse',
      code: 'PAYLOAD_MISMATCH',
      message: 'payload does not match the transaction',
    };
    try {
      const prepared = await client.prepareTransfer('treasury', { to: recipient, amount: '0.01' });
      const request = signedTransfer({ vaultId: 'treasury', transaction: prepared.transaction as never });
      const { body } = await client.submit(request);
      const done = await client.waitForRequest(body.requestId);
      assert.equal(done.state, 'rejected');
      assert.equal(done.error?.code, 'PAYLOAD_MISMATCH');
      assert.match(done.error!.message, /fake-2 refused/);
      assert.equal(done.txHash, null);
      assert.ok(logger.lines.some((l) => l.event === 'request.rejected' && l.requestId === body.requestId));
    } finally {
      nodes[1]!.behaviour = { kind: 'ok' };
    }
  });

  it('completes with another signer set when a node is down or a session aborts', async () => {
    await nodes[0]!.stop();
    nodes[1]!.behaviour = { kind: 'abort', times: 1 };
    try {
      const prepared = await client.prepareTransfer('treasury', { to: recipient, amount: '0.01' });
      const request = signedTransfer({ vaultId: 'treasury', transaction: prepared.transaction as never });
      const { body } = await client.submit(request);
      // node 1 is down and node 2 aborts one session: the request still completes with {2,3}
      const done = await client.waitForRequest(body.requestId);
      assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
      assert.ok(done.attempts >= 2);
      assert.ok(!done.signers!.includes(1));
      const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
      assert.match(metrics, /cairn_coordinator_protocol_aborts_total\{code="NODE_UNAVAILABLE"\} [1-9]/);
      assert.match(metrics, /cairn_coordinator_node_up\{node="fake-1"\} 0/);
      assert.match(metrics, /cairn_coordinator_requests\{state="confirmed"\} [1-9]/);
      assert.match(metrics, /cairn_coordinator_sign_latency_seconds_count\{kind="evm.transaction"\} [1-9]/);
    } finally {
      nodes[1]!.behaviour = { kind: 'ok' };
      await nodes[0]!.start(Number(new URL(nodes[0]!.url).port));
    }
  });

  it('hands out the next nonce while an earlier request of the vault is still signing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    nodes[0]!.behaviour = { kind: 'hold', release: held };
    try {
      const a = await client.prepareTransfer('treasury', { to: recipient, amount: '0.01' });
      const first = signedTransfer({ vaultId: 'treasury', transaction: a.transaction as never });
      await client.submit(first);
      await client.waitForRequest(first.body.requestId, { until: (r) => r.state === 'signing' });
      const b = await client.prepareTransfer('treasury', { to: recipient, amount: '0.02' });
      assert.equal(b.transaction.nonce, a.transaction.nonce + 1);
      const second = signedTransfer({ vaultId: 'treasury', transaction: b.transaction as never });
      await client.submit(second);
      release();
      nodes[0]!.behaviour = { kind: 'ok' };
      for (const r of [first, second]) {
        assert.equal((await client.waitForRequest(r.body.requestId)).state, 'confirmed');
      }
    } finally {
      release();
      nodes[0]!.behaviour = { kind: 'ok' };
    }
  });

  it('after a restart, re-sends a persisted signed transaction once and never re-signs', async () => {
    await coordinator.stop();
    // 1) A coordinator whose RPC is unreachable signs but cannot broadcast: it stops in `signed`.
    coordinator = await startCoordinator(
      { ...config, chains: [{ chainId: 31337, rpcUrl: 'http://127.0.0.1:9' }] },
      { logger },
    );
    client = new CoordinatorClient(coordinator.url);
    const prepared = await chain.getPendingNonce(vaultAddress);
    const tx = {
      type: 'eip1559' as const,
      chainId: 31337,
      nonce: prepared,
      to: recipient.toLowerCase() as Hex,
      value: '1000',
      data: '0x' as Hex,
      gas: '21000',
      maxFeePerGas: '20000000000',
      maxPriorityFeePerGas: '1000000000',
    };
    const request = signedTransfer({ vaultId: 'treasury', transaction: tx });
    const { body } = await client.submit(request);
    const signed = await client.waitForRequest(body.requestId, { until: (r) => r.state === 'signed' });
    const jobs = nodes.reduce((a, n) => a + n.jobs.length, 0);
    await coordinator.stop();
    // 2) Restarted with a working RPC, it broadcasts the persisted bytes: same hash, one transaction.
    coordinator = await startCoordinator(config, { logger });
    client = new CoordinatorClient(coordinator.url);
    const done = await client.waitForRequest(body.requestId);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    assert.equal(done.txHash, signed.txHash);
    assert.equal(
      nodes.reduce((a, n) => a + n.jobs.length, 0),
      jobs,
      'no new sign job after restart',
    );
    assert.equal(await chain.getPendingNonce(vaultAddress), prepared + 1);
    assert.ok(logger.lines.some((l) => l.event === 'request.resumed' && l.requestId === body.requestId));
  });

  it('serves an OpenAPI document generated from the validating schemas', async () => {
    const doc = (await (await fetch(`${coordinator.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }
        >
      >;
    };
    assert.equal(doc.openapi, '3.1.0');
    const submit = doc.paths['/v1/requests']!.post!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(Object.keys(submit.properties ?? {}).sort(), ['body', 'initiator', 'signature']);
    assert.ok(doc.paths['/v1/vaults/{vault}/transfers/prepare']);
  });
});
