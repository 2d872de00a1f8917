// Acceptance, end to end, against real processes: anvil, three signer-node processes, the
// coordinator process, and the `cairn` CLI. DKG → fund → native and ERC-20 transfers mined;
// refusals at the boundary and by the nodes; a signer killed mid-signing; the coordinator killed
// after broadcast and mid-signing.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EvmChain, type EvmTransaction } from '@cairn/chains';
import {
  CoordinatorClient,
  type DevCluster,
  type RequestView,
  readKeyFile,
  type VaultView,
} from '@cairn/coordinator';
import { NO_CHAIN_ID, type SignedRequest, signSignRequest } from '@cairn/node';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  encodeFunctionData,
  erc20Abi,
  type Hex,
  parseEther,
  parseUnits,
  recoverMessageAddress,
  recoverTypedDataAddress,
  toHex,
} from 'viem';
import { cairn, lastJson, logLines, rpc, startTestCluster } from './e2e-harness.ts';

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

describe('end to end: real signer nodes, coordinator, anvil and CLI', () => {
  let cluster: DevCluster;
  let dir: string;
  let cleanup: () => Promise<void>;
  let api: CoordinatorClient;
  let chain: EvmChain;
  let vault: VaultView;
  let initiatorKey: Uint8Array;

  before(async () => {
    ({ cluster, dir, cleanup } = await startTestCluster());
    api = new CoordinatorClient(cluster.coordinatorUrl);
    chain = new EvmChain({ rpcUrl: cluster.anvil.rpcUrl, pollingIntervalMs: 25 });
    initiatorKey = readKeyFile(join(dir, 'keys', 'initiator.key'));
  });
  after(async () => {
    await cleanup?.();
  });

  /** A signed transfer request built in-process (the CLI path is tested separately). */
  async function transferRequest(
    overrides: { amount?: string; tx?: Partial<EvmTransaction>; body?: Record<string, unknown> } = {},
  ) {
    const prepared = await api.prepareTransfer(vault.vaultId, {
      to: bob,
      amount: overrides.amount ?? '0.001',
    });
    const now = Math.floor(Date.now() / 1000);
    return signSignRequest(
      {
        requestId: randomUUID(),
        vaultId: vault.vaultId,
        idempotencyKey: randomUUID(),
        kind: 'evm.transaction',
        chainId: prepared.chainId,
        derivationPath: [],
        transaction: { ...(prepared.transaction as EvmTransaction), ...overrides.tx },
        nonce: `0x${randomBytes(16).toString('hex')}`,
        createdAt: now,
        expiresAt: now + 300,
        ...overrides.body,
      } as never,
      initiatorKey,
    );
  }

  function nodeAccepted(requestId: string): string[] {
    return cluster.nodes.flatMap((n) =>
      logLines(dir, n.nodeId).some((l) => l.event === 'sign_job_accepted' && l.requestId === requestId)
        ? [n.nodeId]
        : [],
    );
  }

  it('cairn nodes status: three nodes up with the admin-signed committee', async () => {
    const r = await cairn(dir, ['nodes', 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const nodes = lastJson<{ nodeId: string; up: boolean; committee: { version: number } | null }[]>(r);
    assert.equal(nodes.length, 3);
    assert.ok(nodes.every((n) => n.up && n.committee?.version === 1));
  });

  it('cairn vault create: ECDSA 2-of-3 DKG across the three node processes', async () => {
    const r = await cairn(dir, ['vault', 'create', '--name', 'treasury', '--threshold', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /node-1 \(party 1\) done/);
    assert.match(r.stdout, /vault treasury ready/);
    const address = await cairn(dir, ['vault', 'address', '--vault', 'treasury', '--json']);
    const a = lastJson<{ address: string; scheme: string }>(address);
    assert.equal(a.scheme, 'dkls23-secp256k1');
    assert.match(a.address, /^0x[0-9a-fA-F]{40}$/);
    vault = await api.vault('treasury');
    assert.equal(vault.address, a.address);
  });

  it('funds the vault, then native and ERC-20 transfers via cairn send are mined with the expected balances', async () => {
    const token = cluster.token.address;
    const address = vault.address as Hex;
    assert.equal((await cairn(dir, ['vault', 'fund', '--vault', 'treasury', '--amount', '10'])).code, 0);
    const fundToken = await cairn(dir, [
      'vault',
      'fund',
      '--vault',
      'treasury',
      '--amount',
      '1000',
      '--token',
      'demo',
      '--json',
    ]);
    assert.equal(fundToken.code, 0, fundToken.stderr);
    assert.equal(await chain.getBalance(address), parseEther('10'));
    assert.equal(await chain.getTokenBalance(token, address), parseUnits('1000', 18));

    const aliceBefore = await chain.getBalance(alice);
    const native = await cairn(dir, [
      'send',
      '--vault',
      'treasury',
      '--to',
      alice,
      '--amount',
      '0.5',
      '--json',
    ]);
    assert.equal(native.code, 0, native.stdout + native.stderr);
    const n = lastJson<RequestView>(native);
    assert.equal(n.state, 'confirmed');
    const receipt = n.receipt as { status: string; gasUsed: string; effectiveGasPrice: string };
    assert.equal(receipt.status, 'success');
    assert.equal((await chain.getBalance(alice)) - aliceBefore, parseEther('0.5'));
    const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
    assert.equal(await chain.getBalance(address), parseEther('9.5') - fee);
    assert.deepEqual(
      n.events.map((e) => e.state),
      ['received', 'signing', 'signed', 'broadcast', 'confirmed'],
    );

    const erc20 = await cairn(dir, [
      'send',
      '--vault',
      'treasury',
      '--to',
      bob,
      '--amount',
      '25',
      '--token',
      'demo',
    ]);
    assert.equal(erc20.code, 0, erc20.stdout + erc20.stderr);
    assert.match(erc20.stdout, /confirmed/);
    assert.equal(await chain.getTokenBalance(token, bob), parseUnits('25', 18));
    assert.equal(await chain.getTokenBalance(token, address), parseUnits('975', 18));

    const shown = await cairn(dir, ['request', 'show', n.requestId]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /state\s+confirmed/);
    assert.match(shown.stdout, new RegExp(n.txHash!));
    const missing = await cairn(dir, ['request', 'show', randomUUID()]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[NOT_FOUND\]/);
  });

  it('signs an arbitrary contract call (ERC-20 approve), EIP-712 typed data and a personal message', async () => {
    const token = cluster.token.address;
    const address = vault.address as Hex;
    const now = Math.floor(Date.now() / 1000);
    const base = () => ({
      requestId: randomUUID(),
      vaultId: vault.vaultId,
      idempotencyKey: randomUUID(),
      chainId: cluster.anvil.chainId,
      derivationPath: [],
      nonce: `0x${randomBytes(16).toString('hex')}`,
      createdAt: now,
      expiresAt: now + 300,
    });
    // contract call
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [alice, 1234n] });
    const prepared = await api.prepareCall(vault.vaultId, { to: token, data });
    const call = signSignRequest(
      { ...base(), kind: 'evm.transaction', transaction: prepared.transaction as EvmTransaction },
      initiatorKey,
    );
    await api.submit(call);
    const approved = await api.waitForRequest(call.body.requestId);
    assert.equal(approved.state, 'confirmed', JSON.stringify(approved.error));
    const allowance = await chain.client.readContract({
      address: token,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [address, alice],
    });
    assert.equal(allowance, 1234n);

    // EIP-712 typed data: ends at `signed`, and the signature recovers to the vault address
    const typedData = {
      domain: { name: 'Cairn', version: '1', chainId: cluster.anvil.chainId, verifyingContract: token },
      types: {
        Order: [
          { name: 'amount', type: 'uint256' },
          { name: 'owner', type: 'address' },
        ],
      },
      primaryType: 'Order',
      message: { amount: '42', owner: address },
    };
    const typed = signSignRequest({ ...base(), kind: 'evm.typed-data', typedData }, initiatorKey);
    await api.submit(typed);
    const t = await api.waitForRequest(typed.body.requestId);
    assert.equal(t.state, 'signed', JSON.stringify(t.error));
    assert.ok(t.terminal);
    const ts = t.signature as { r: Hex; s: Hex; yParity: 0 | 1 };
    const recoveredTyped = await recoverTypedDataAddress({
      ...typedData,
      message: { amount: 42n, owner: address },
      signature: { r: ts.r, s: ts.s, yParity: ts.yParity },
    } as never);
    assert.equal(recoveredTyped, address);

    // EIP-191 personal message
    const message = toHex('hello from cairn');
    const personal = signSignRequest({ ...base(), kind: 'evm.personal-message', message }, initiatorKey);
    await api.submit(personal);
    const p = await api.waitForRequest(personal.body.requestId);
    assert.equal(p.state, 'signed', JSON.stringify(p.error));
    const ps = p.signature as { r: Hex; s: Hex; yParity: 0 | 1 };
    assert.equal(await recoverMessageAddress({ message: { raw: message }, signature: ps }), address);
  });

  it('ed25519.message: a FROST Ed25519 2-of-3 vault signs raw bytes that ed25519.verify accepts; wrong vault or payload refused', async () => {
    const created = await cairn(dir, [
      'vault',
      'create',
      '--name',
      'ed-keys',
      '--threshold',
      '2',
      '--scheme',
      'frost-ed25519',
    ]);
    assert.equal(created.code, 0, created.stdout + created.stderr);
    const ed = await api.vault('ed-keys');
    assert.equal(ed.scheme, 'frost-ed25519');
    const now = Math.floor(Date.now() / 1000);
    const body = (vaultId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      requestId: randomUUID(),
      vaultId,
      idempotencyKey: randomUUID(),
      kind: 'ed25519.message',
      chainId: NO_CHAIN_ID,
      derivationPath: [],
      message: toHex('cairn ed25519 raw message'),
      nonce: `0x${randomBytes(16).toString('hex')}`,
      createdAt: now,
      expiresAt: now + 300,
      ...extra,
    });

    const request = signSignRequest(body(ed.vaultId) as never, initiatorKey);
    await api.submit(request);
    const done = await api.waitForRequest(request.body.requestId);
    assert.equal(done.state, 'signed', JSON.stringify(done.error));
    assert.ok(done.terminal);
    assert.deepEqual(
      done.events.map((e) => e.state),
      ['received', 'signing', 'signed'],
    );
    assert.equal(done.txHash, null);
    const sig = done.signature as { bytes: string; publicKey: string };
    assert.equal(sig.publicKey.toLowerCase(), ed.publicKey!.toLowerCase());
    const message = Buffer.from(request.body.message!.slice(2), 'hex');
    const pub = Buffer.from(ed.publicKey!.slice(2), 'hex');
    assert.ok(ed25519.verify(Buffer.from(sig.bytes.slice(2), 'hex'), message, pub));
    // The signature is over exactly these bytes, nothing else.
    assert.ok(!ed25519.verify(Buffer.from(sig.bytes.slice(2), 'hex'), Buffer.from('other'), pub));

    // A secp256k1 (DKLs23) vault cannot sign this kind: every node refuses it.
    const onEcdsa = signSignRequest(body(vault.vaultId) as never, initiatorKey);
    await api.submit(onEcdsa);
    const refused = await api.waitForRequest(onEcdsa.body.requestId);
    assert.equal(refused.state, 'rejected');
    assert.equal(refused.error?.code, 'SCHEME_MISMATCH');
    assert.equal(refused.signature, null);

    // This kind with a transaction, or bound to a chain, is refused at the door.
    const prepared = await api.prepareTransfer(vault.vaultId, { to: bob, amount: '0.001' });
    const withTx = { ...request, body: { ...body(ed.vaultId), transaction: prepared.transaction } };
    await assert.rejects(api.submit(withTx as never), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'INVALID_INPUT');
      assert.match(e.message, /ed25519\.message needs exactly one payload field, message/);
      return true;
    });
    const onChain = { ...request, body: { ...body(ed.vaultId), chainId: cluster.anvil.chainId } };
    await assert.rejects(api.submit(onChain as never), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'INVALID_INPUT');
      assert.match(e.message, /chainId must be 0/);
      return true;
    });
  });

  it('refuses a bad signature, a replay and an expired request at the coordinator: audited, nothing signed', async () => {
    const good = await transferRequest();
    const forged: SignedRequest = {
      ...good,
      body: { ...good.body, transaction: { ...good.body.transaction!, to: alice } },
    };
    await assert.rejects(api.submit(forged), { code: 'BAD_SIGNATURE' });
    const past = Math.floor(Date.now() / 1000) - 1000;
    const expired = await transferRequest({ body: { createdAt: past, expiresAt: past + 60 } });
    await assert.rejects(api.submit(expired), { code: 'EXPIRED' });
    const first = await transferRequest();
    const accepted = await api.submit(first);
    assert.equal(accepted.status, 202);
    assert.equal((await api.waitForRequest(first.body.requestId)).state, 'confirmed');
    const replay = await transferRequest({ body: { nonce: first.body.nonce } });
    await assert.rejects(api.submit(replay), { code: 'REPLAYED' });

    // The coordinator's log reaches its file through a pipe: wait (bounded) for the last line.
    const refusedLines = () => logLines(dir, 'coordinator').filter((l) => l.event === 'request.refused');
    for (let i = 0; i < 100 && !refusedLines().some((l) => l.requestId === replay.body.requestId); i++)
      await new Promise((r) => setTimeout(r, 50));
    const refused = refusedLines();
    for (const [request, code] of [
      [forged, 'BAD_SIGNATURE'],
      [expired, 'EXPIRED'],
      [replay, 'REPLAYED'],
    ] as const) {
      assert.ok(
        refused.some((l) => l.code === code && l.requestId === request.body.requestId && l.level === 'warn'),
        `no audit line for ${code}`,
      );
      assert.deepEqual(nodeAccepted(request.body.requestId), [], `a node saw refused request ${code}`);
      await assert.rejects(api.request(request.body.requestId), { code: 'NOT_FOUND' });
    }
  });

  it('a request the nodes refuse ends as rejected with the node reason, nothing signed', async () => {
    // The coordinator does not second-guess the payload; the nodes do: chain id binding.
    const mismatched = await transferRequest({ tx: { chainId: 1 } });
    const { body } = await api.submit(mismatched);
    const done = await api.waitForRequest(body.requestId);
    assert.equal(done.state, 'rejected');
    assert.equal(done.error?.code, 'CHAIN_MISMATCH');
    assert.match(done.error!.message, /refused/);
    assert.equal(done.txHash, null);
    assert.equal(done.signature, null);
    const refusals = cluster.nodes.flatMap((n) =>
      logLines(dir, n.nodeId).filter((l) => l.event === 'sign_job_refused' && l.requestId === body.requestId),
    );
    assert.ok(refusals.length >= 1);
  });

  it('kill one of three nodes in the middle of a 2-of-3 signing: the other two complete it', async () => {
    const nonceBefore = await chain.getPendingNonce(vault.address as Hex);
    const request = await transferRequest({ amount: '0.01' });
    // The first node that starts signing this request is killed (SIGKILL) on the spot.
    let victim: (typeof cluster.nodes)[number] | null = null;
    const offs = cluster.nodes.map((n) =>
      n.child.onLine((line) => {
        if (line.event === 'sign_job_accepted' && line.requestId === request.body.requestId && !victim) {
          victim = n;
          void n.child.kill();
        }
      }),
    );
    try {
      await api.submit(request);
      const done = await api.waitForRequest(request.body.requestId);
      assert.ok(victim, 'no node was asked to sign');
      const killed = victim as (typeof cluster.nodes)[number];
      assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
      assert.equal(done.signers!.length, 2);
      assert.ok(!done.signers!.includes(killed.partyId), `signed by the killed party ${killed.partyId}`);
      assert.ok(done.attempts >= 2);
      assert.equal(await chain.getPendingNonce(vault.address as Hex), nonceBefore + 1);
      const status = await cairn(dir, ['nodes', 'status']);
      assert.equal(status.code, 1);
      assert.match(status.stdout, new RegExp(`✖ ${killed.nodeId}`));
    } finally {
      for (const off of offs) off();
      for (const [i, n] of cluster.nodes.entries()) if (!n.child.running) await cluster.startNode(i);
    }
  });

  it('kill the coordinator after broadcast: after restart it confirms the same transaction, once', async () => {
    await rpc(cluster.anvil.rpcUrl, 'evm_setAutomine', [false]);
    const address = vault.address as Hex;
    const nonceBefore = await chain.getPendingNonce(address);
    const request = await transferRequest({ amount: '0.02' });
    try {
      await api.submit(request);
      const broadcast = await api.waitForRequest(request.body.requestId, {
        until: (r) => r.state === 'broadcast' || r.terminal,
      });
      assert.equal(broadcast.state, 'broadcast');
      await cluster.coordinator.kill();
      await cluster.startCoordinator();
      await rpc(cluster.anvil.rpcUrl, 'evm_mine');
    } finally {
      await rpc(cluster.anvil.rpcUrl, 'evm_setAutomine', [true]);
    }
    const done = await api.waitForRequest(request.body.requestId);
    assert.equal(done.state, 'confirmed', JSON.stringify(done.error));
    const receipt = await chain.getReceipt(done.txHash as Hex);
    assert.equal(receipt?.status, 'success');
    assert.equal(await chain.getPendingNonce(address), nonceBefore + 1, 'exactly one transaction');
    assert.ok(
      logLines(dir, 'coordinator').some(
        (l) => l.event === 'request.resumed' && l.requestId === request.body.requestId,
      ),
    );
  });

  it('kill the coordinator mid-signing: after restart the request ends in a clear terminal state, at most one transaction', async (t) => {
    const address = vault.address as Hex;
    const nonceBefore = await chain.getPendingNonce(address);
    const request = await transferRequest({ amount: '0.03' });
    let killed: Promise<void> | null = null;
    const offs = cluster.nodes.map((n) =>
      n.child.onLine((line) => {
        if (line.event === 'sign_job_accepted' && line.requestId === request.body.requestId) {
          killed ??= cluster.coordinator.kill();
        }
      }),
    );
    try {
      await api.submit(request);
      for (let i = 0; i < 1200 && !killed; i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(killed, 'no node accepted the sign job');
      await killed;
      await cluster.startCoordinator();
    } finally {
      for (const off of offs) off();
    }
    const done = await api.waitForRequest(request.body.requestId);
    t.diagnostic(`after the crash: ${done.state} ${done.error?.code ?? ''} (${done.attempts} attempts)`);
    assert.ok(['confirmed', 'rejected', 'failed'].includes(done.state), done.state);
    const nonceAfter = await chain.getPendingNonce(address);
    if (done.state === 'confirmed') {
      assert.equal(nonceAfter, nonceBefore + 1);
    } else {
      // The nodes had already completed that request's signature, so re-signing is refused as a replay.
      assert.ok(done.error?.code, 'terminal failure without a reason');
      assert.equal(done.txHash, null);
      assert.equal(nonceAfter, nonceBefore, 'nothing was broadcast');
    }
    const metrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
    assert.match(metrics, /cairn_coordinator_requests\{state="confirmed"\} \d+/);
    for (const n of cluster.nodes)
      assert.match(metrics, new RegExp(`cairn_coordinator_node_up\\{node="${n.nodeId}"\\} 1`));
  });
});
