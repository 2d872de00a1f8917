// The signer node in-process (three nodes over an in-memory network): keygen, signing, every
// pipeline refusal, and session cleanup when a peer vanishes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { evmSigningPayload } from '@cairn/chains';
import {
  bytesToHex,
  hexToBytes,
  JobRefusedError,
  NO_CHAIN_ID,
  NodeError,
  randomSigningKey,
  registerScheme,
  type SignResponse,
  ShareStore,
  StatementError,
  unlockNode,
} from '@cairn/node';
import { hex, keygenJobOf, signJobOf, transferBody } from './helpers/fixtures.ts';
import { type InProcessCluster, PASSPHRASE, startInProcessCluster } from './helpers/in-process-cluster.ts';
import { scanLogsForSecrets } from './log-scan.ts';
import { toyEcdsaScheme } from './helpers/toy-ecdsa-scheme.ts';

// In-process tests exercise the node's own logic with a fast protocol double standing in for
// DKLs23 (same message flow, no threshold security); the real DKLs23 runs in
// node-processes.test.ts, and the real FROST DKG runs below.
registerScheme(toyEcdsaScheme);

const refusedWith = (code: string) => (e: unknown) => e instanceof JobRefusedError && e.code === code;

describe('signer node (in-process cluster)', () => {
  let cluster: InProcessCluster;
  const initiator = randomSigningKey();
  let address = '';
  let publicKey = '';
  let edPublicKey = '';

  before(async () => {
    cluster = await startInProcessCluster({ sessionTimeoutMs: 3000 });
  });
  after(async () => {
    await cluster.close();
  });

  const refusalLogged = (code: string, requestId: string) =>
    cluster.logs.some((l) => {
      const o = JSON.parse(l);
      return o.event === 'sign_job_refused' && o.code === code && o.requestId === requestId;
    });

  it('runs keygen on every party and agrees on the key', async () => {
    const job = keygenJobOf({
      vaultId: 'treasury',
      admins: cluster.admins.slice(0, 2),
      initiators: [initiator],
    });
    const results = await Promise.all(cluster.nodes.map((n) => n.keygen(job)));
    assert.equal(new Set(results.map((r) => r.publicKey)).size, 1);
    assert.match(results[0]!.address ?? '', /^0x[0-9a-fA-F]{40}$/);
    address = results[0]!.address!;
    publicKey = results[0]!.publicKey;
    // The same job again is a replay; a new job for the same vault is refused too.
    await assert.rejects(cluster.nodes[0]!.keygen(job), refusedWith('VAULT_EXISTS'));
  });

  it('runs a real FROST DKG over the transport (no EVM address for ed25519)', async () => {
    const job = keygenJobOf({
      vaultId: 'ed-vault',
      admins: cluster.admins.slice(0, 2),
      initiators: [initiator],
      scheme: 'frost-ed25519',
    });
    const results = await Promise.all(cluster.nodes.map((n) => n.keygen(job)));
    assert.equal(new Set(results.map((r) => r.publicKey)).size, 1);
    assert.equal(results[0]!.address, undefined);
    edPublicKey = results[0]!.publicKey;
    // EVM requests cannot be signed with an Ed25519 key.
    const body = transferBody('ed-vault');
    await assert.rejects(
      cluster.nodes[0]!.sign(signJobOf({ body, initiator, signers: [1, 2] })),
      refusedWith('SCHEME_MISMATCH'),
    );
  });

  it('ed25519.message: the FROST Ed25519 vault signs the message bytes themselves; other pairings refused', async () => {
    const edKey = edPublicKey;
    assert.ok(edKey);
    const message = '0x636169726e2072617720627974657300ff';
    const body = transferBody('ed-vault', {
      kind: 'ed25519.message',
      chainId: NO_CHAIN_ID,
      transaction: undefined,
      message,
    });
    const job = { ...signJobOf({ body, initiator, signers: [2, 3] }), payload: message };
    const [a, b] = await Promise.all([cluster.nodes[1]!.sign(job), cluster.nodes[2]!.sign(job)]);
    assert.deepEqual(a, b);
    assert.equal(a!.payload, message);
    assert.equal(a!.publicKey, edKey);
    assert.ok('bytes' in a!.signature);
    assert.ok(ed25519.verify(hexToBytes(a!.signature.bytes), hexToBytes(message), hexToBytes(edKey)));
    // The payload the coordinator relays is only compared: anything else is refused.
    const mismatched = {
      ...signJobOf({ body: { ...body, nonce: hex(16) }, initiator, signers: [2, 3] }),
      payload: '0x00',
    };
    await assert.rejects(cluster.nodes[1]!.sign(mismatched), refusedWith('PAYLOAD_MISMATCH'));
    // A secp256k1 vault cannot sign this kind.
    const onEcdsa = { ...body, vaultId: 'treasury', nonce: hex(16) };
    await assert.rejects(
      cluster.nodes[0]!.sign(signJobOf({ body: onEcdsa, initiator, signers: [1, 2] })),
      refusedWith('SCHEME_MISMATCH'),
    );
    // This kind with a transaction, or bound to a chain, is not a valid statement.
    assert.throws(
      () =>
        signJobOf({
          body: { ...transferBody('ed-vault'), kind: 'ed25519.message', chainId: 0, message },
          initiator,
          signers: [1, 2],
        }),
      (e: unknown) =>
        e instanceof StatementError &&
        e.code === 'INVALID_STATEMENT' &&
        /ed25519\.message needs exactly one payload field, message \(got: transaction, message\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () => signJobOf({ body: { ...body, chainId: 31337 }, initiator, signers: [1, 2] }),
      (e: unknown) => e instanceof StatementError && /chainId must be 0/.test(e.message),
    );
    assert.throws(
      () =>
        signJobOf({ body: transferBody('treasury', { chainId: 0 } as never), initiator, signers: [1, 2] }),
      (e: unknown) => e instanceof StatementError && /chainId of at least 1/.test(e.message),
    );
  });

  it('refuses a keygen job without an admin quorum', async () => {
    const job = keygenJobOf({
      vaultId: 'rogue',
      admins: cluster.admins.slice(0, 1),
      initiators: [initiator],
    });
    await assert.rejects(cluster.nodes[0]!.keygen(job), refusedWith('INSUFFICIENT_SIGNATURES'));
  });

  it('signs a transaction with 2 of 3 nodes; the signature recovers to the vault address', async () => {
    const body = transferBody('treasury');
    const job = signJobOf({ body, initiator, signers: [1, 2] });
    const [a, b] = await Promise.all([cluster.nodes[0]!.sign(job), cluster.nodes[1]!.sign(job)]);
    assert.deepEqual(a, b);
    const payload = evmSigningPayload(body);
    assert.equal(a!.payload, bytesToHex(payload));
    assertEcdsa(a!, payload, publicKey);
  });

  it('refuses a replayed request, even under a fresh session id', async () => {
    const body = transferBody('treasury');
    const job = signJobOf({ body, initiator, signers: [2, 3] });
    await Promise.all([cluster.nodes[1]!.sign(job), cluster.nodes[2]!.sign(job)]);
    await assert.rejects(cluster.nodes[1]!.sign(job), refusedWith('REPLAYED'));
    await assert.rejects(cluster.nodes[1]!.sign({ ...job, sessionId: hex(32) }), refusedWith('REPLAYED'));
    assert.ok(refusalLogged('REPLAYED', body.requestId));
  });

  it('refuses bad signatures, unknown initiators, expired requests and foreign signer sets', async () => {
    const node = cluster.nodes[0]!;
    const good = signJobOf({ body: transferBody('treasury'), initiator, signers: [1, 2] });
    const tampered = {
      ...good,
      request: {
        ...good.request,
        body: { ...good.request.body, transaction: { ...good.request.body.transaction!, value: '9' } },
      },
    };
    await assert.rejects(node.sign(tampered), refusedWith('BAD_SIGNATURE'));
    assert.ok(refusalLogged('BAD_SIGNATURE', good.request.body.requestId));
    const stranger = signJobOf({
      body: transferBody('treasury'),
      initiator: randomSigningKey(),
      signers: [1, 2],
    });
    await assert.rejects(node.sign(stranger), refusedWith('NOT_INITIATOR'));
    const past = transferBody('treasury', { createdAt: 1_000, expiresAt: 1_060 });
    await assert.rejects(
      node.sign(signJobOf({ body: past, initiator, signers: [1, 2] })),
      refusedWith('EXPIRED'),
    );
    await assert.rejects(
      node.sign(signJobOf({ body: transferBody('treasury'), initiator, signers: [2, 3] })),
      refusedWith('NOT_A_SIGNER'),
    );
    await assert.rejects(
      node.sign(signJobOf({ body: transferBody('treasury'), initiator, signers: [1, 7] })),
      refusedWith('BAD_SIGNER_SET'),
    );
    await assert.rejects(
      node.sign(signJobOf({ body: transferBody('nope'), initiator, signers: [1, 2] })),
      refusedWith('UNKNOWN_VAULT'),
    );
    await assert.rejects(node.sign({ nonsense: true }), refusedWith('INVALID_JOB'));
  });

  it('refuses a job whose payload does not match its transaction, and a chain-id mismatch', async () => {
    const node = cluster.nodes[0]!;
    const body = transferBody('treasury');
    const job = { ...signJobOf({ body, initiator, signers: [1, 2] }), payload: hex(32) };
    await assert.rejects(node.sign(job), refusedWith('PAYLOAD_MISMATCH'));
    assert.ok(refusalLogged('PAYLOAD_MISMATCH', body.requestId));
    const mismatched = transferBody('treasury', { chainId: 1 });
    await assert.rejects(
      node.sign(signJobOf({ body: mismatched, initiator, signers: [1, 2] })),
      refusedWith('CHAIN_MISMATCH'),
    );
    // The refused job did not burn its nonce: with the right payload (and, as every attempt, a
    // fresh session id) it signs.
    const right = { ...job, sessionId: hex(32), payload: bytesToHex(evmSigningPayload(body)) };
    const [a] = await Promise.all([node.sign(right), cluster.nodes[1]!.sign(right)]);
    assertEcdsa(a, evmSigningPayload(body), publicKey);
  });

  it('signs typed data and personal messages', async () => {
    const typed = transferBody('treasury', {
      kind: 'evm.typed-data',
      transaction: undefined,
      typedData: {
        types: { Mail: [{ name: 'contents', type: 'string' }] },
        primaryType: 'Mail',
        domain: { name: 'Test', version: '1', chainId: 31337 },
        message: { contents: 'hello' },
      },
    });
    const msg = transferBody('treasury', {
      kind: 'evm.personal-message',
      transaction: undefined,
      message: '0x68656c6c6f',
    });
    for (const body of [typed, msg]) {
      const job = signJobOf({ body, initiator, signers: [1, 3] });
      const [a] = await Promise.all([cluster.nodes[0]!.sign(job), cluster.nodes[2]!.sign(job)]);
      assertEcdsa(a, evmSigningPayload(body), publicKey);
    }
  });

  it('times out a session whose peer vanished, then signs the same request with another signer set', async () => {
    const body = transferBody('treasury');
    const first = signJobOf({ body, initiator, signers: [1, 2] });
    // Node 2 never gets its job: node 1 waits for it, then gives up and cleans up.
    await assert.rejects(
      cluster.nodes[0]!.sign(first),
      (e: unknown) => e instanceof NodeError && e.code === 'SESSION_TIMEOUT' && /node-2/.test(e.message),
    );
    assert.equal(cluster.nodes[0]!.transport.openSessions, 0);
    const retry = { ...first, sessionId: hex(32), signers: [1, 3] };
    const [a] = await Promise.all([cluster.nodes[0]!.sign(retry), cluster.nodes[2]!.sign(retry)]);
    assertEcdsa(a, evmSigningPayload(body), publicKey);
    // Node 1 has now signed this request: no further session for it.
    await assert.rejects(
      cluster.nodes[0]!.sign({ ...retry, sessionId: hex(32), signers: [1, 2] }),
      refusedWith('REPLAYED'),
    );
  });

  it('lets a retry under a fresh session supersede a running session of the same request', async () => {
    const body = transferBody('treasury');
    const first = signJobOf({ body, initiator, signers: [1, 2] });
    const stuck = cluster.nodes[0]!.sign(first).catch((e: unknown) => e);
    const retry = { ...first, sessionId: hex(32), signers: [1, 3] };
    const [a] = await Promise.all([cluster.nodes[0]!.sign(retry), cluster.nodes[2]!.sign(retry)]);
    assertEcdsa(a, evmSigningPayload(body), publicKey);
    const superseded = await stuck;
    assert.ok(superseded instanceof NodeError && superseded.code === 'SESSION_BUSY');
  });

  it('aborts at once when a peer is unreachable', async () => {
    cluster.network.setDown('node-2', true);
    try {
      const job = signJobOf({ body: transferBody('treasury'), initiator, signers: [1, 2] });
      await assert.rejects(
        cluster.nodes[0]!.sign(job),
        (e: unknown) => e instanceof NodeError && e.code === 'PEER_UNREACHABLE',
      );
    } finally {
      cluster.network.setDown('node-2', false);
    }
  });

  it('exposes metrics and health', async () => {
    const text = await cluster.nodes[0]!.metrics.registry.metrics();
    assert.match(text, /cairn_node_sign_jobs_total\{outcome="signed",node="node-1"\} [1-9]/);
    assert.match(text, /cairn_node_sign_refusals_total\{code="BAD_SIGNATURE",node="node-1"\} 1/);
    assert.match(text, /cairn_node_protocol_aborts_total\{code="SESSION_TIMEOUT",node="node-1"\} 1/);
    assert.match(text, /cairn_node_sign_duration_seconds_bucket/);
    assert.equal(cluster.nodes[0]!.health().status, 'ok');
    assert.equal(address, cluster.nodes[1]!.getVault('treasury')!.address);
  });

  it('never logs share material, keys or the passphrase', async () => {
    const secrets: Uint8Array[] = [];
    for (const node of cluster.nodes) {
      const { nodeId, dataDir } = node.config;
      const unlocked = await unlockNode({ dataDir, nodeId, passphrase: PASSPHRASE, kdfLogN: 15 });
      const store = new ShareStore({ db: unlocked.db, nodeId, wrappingKey: unlocked.wrappingKey });
      const rows = unlocked.db.prepare('SELECT key_id, version FROM shares').all() as {
        key_id: string;
        version: number;
      }[];
      assert.ok(rows.length >= 2);
      for (const r of rows) secrets.push(store.get(r.key_id, r.version).secretBytes());
      secrets.push(
        unlocked.identity.signingSecretKey,
        unlocked.identity.encryptionSecretKey,
        unlocked.wrappingKey,
      );
      unlocked.db.close();
    }
    const text = cluster.logs.join('\n');
    assert.deepEqual(scanLogsForSecrets({ text, secrets, phrases: [PASSPHRASE] }), []);
  });
});

function assertEcdsa(res: SignResponse, payload: Uint8Array, publicKeyHex: string): void {
  assert.ok('r' in res.signature);
  const sig = res.signature as { r: string; s: string; yParity: 0 | 1 };
  const compact = hexToBytes(sig.r.slice(2) + sig.s.slice(2));
  assert.ok(
    secp256k1.verify(compact, payload, hexToBytes(res.publicKey), { prehash: false }),
    'signature verifies',
  );
  const recovered = secp256k1.Signature.fromBytes(compact)
    .addRecoveryBit(sig.yParity)
    .recoverPublicKey(payload);
  assert.equal(
    bytesToHex(recovered.toBytes(true)),
    bytesToHex(secp256k1.Point.fromBytes(hexToBytes(publicKeyHex)).toBytes(true)),
  );
}
