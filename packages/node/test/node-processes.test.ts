// Acceptance against real processes: three signer nodes, each its own process with its own
// database, keys and port, talking over the direct WebSocket carrier. Covers committee installation,
// keygen, 2-of-3 signing, every refusal the issue lists (with its audit line and nothing
// signed), killing a node mid-signing, a wrong passphrase and a damaged or missing database at
// restart, /metrics, and a scan of every captured log line for share material.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerTestPhrase, registerTestSecret } from '@cairn/testkit';
import { after, before, describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { evmSigningPayload } from '@cairn/chains';
import { bytesToHex, hexToBytes, randomSigningKey, ShareStore, type SignJob, unlockNode } from '@cairn/node';
import { committeeOf, hex, keygenJobOf, signJobOf, transferBody } from './helpers/fixtures.ts';
import {
  events,
  get,
  PROCESS_PASSPHRASE,
  type ProcessCluster,
  post,
  startProcessCluster,
} from './helpers/process-cluster.ts';
import { scanLogsForSecrets } from './log-scan.ts';

const SCHEME = 'dkls23-secp256k1';

describe('signer node processes (3 nodes, WebSocket carrier)', () => {
  let cluster: ProcessCluster;
  const initiator = randomSigningKey();
  let publicKey = '';
  let address = '';
  let signedJob: SignJob;

  before(async () => {
    cluster = await startProcessCluster({ sessionTimeoutMs: 10_000 });
  });
  after(async () => {
    await cluster?.close();
  });

  const node = (i: number) => cluster.nodes[i - 1]!;
  const sign = (i: number, job: unknown) => post(node(i).url, '/v1/sign', job);

  /** The refusal's audit line is there, and the node never started a session for the request. */
  const assertRefusedAndNothingSigned = (i: number, code: string, requestId: string) => {
    const refused = events(node(i), 'sign_job_refused').filter((e) => e.requestId === requestId);
    assert.equal(refused.length, 1, `one sign_job_refused line for ${requestId}`);
    assert.equal(refused[0]!.code, code);
    assert.equal(refused[0]!.level, 'warn');
    for (const event of ['sign_job_accepted', 'sign_job_signed'])
      assert.equal(
        events(node(i), event).filter((e) => e.requestId === requestId).length,
        0,
        `${event} for ${requestId}`,
      );
  };

  const verifyEcdsa = (res: Record<string, unknown>, payload: Uint8Array) => {
    const sig = res.signature as { r: string; s: string; yParity: number };
    const compact = hexToBytes(sig.r.slice(2) + sig.s.slice(2));
    assert.ok(
      secp256k1.verify(compact, payload, hexToBytes(publicKey), { prehash: false }),
      'ECDSA signature verifies',
    );
    const recovered = secp256k1.Signature.fromBytes(compact)
      .addRecoveryBit(sig.yParity)
      .recoverPublicKey(payload);
    assert.equal(
      bytesToHex(recovered.toBytes(true)),
      bytesToHex(secp256k1.Point.fromBytes(hexToBytes(publicKey)).toBytes(true)),
    );
  };

  it('refuses jobs before a committee, and a committee with too few admin signatures', async () => {
    const early = await sign(1, signJobOf({ body: transferBody('treasury'), initiator, signers: [1, 2] }));
    assert.equal(early.status, 503);
    assert.equal(early.body.error?.code, 'NO_COMMITTEE');
    const weak = await cluster.installCommittee(cluster.admins.slice(0, 1));
    for (const r of weak) {
      assert.equal(r.status, 403);
      assert.equal(r.body.error?.code, 'INSUFFICIENT_SIGNATURES');
      assert.match(r.body.error!.message, /1 valid admin signature\(s\), the admin quorum is 2/);
    }
    for (let i = 1; i <= 3; i++) {
      const line = events(node(i), 'committee_refused').at(-1);
      assert.equal(line?.code, 'INSUFFICIENT_SIGNATURES');
    }
    const health = JSON.parse((await get(node(1).url, '/v1/health')).text);
    assert.equal(health.committee, null);
    const good = await cluster.installCommittee();
    for (const r of good) assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  it('runs keygen across the three processes', async () => {
    const job = keygenJobOf({
      vaultId: 'treasury',
      admins: cluster.admins.slice(1, 3),
      initiators: [initiator],
      scheme: SCHEME,
    });
    const results = await Promise.all([1, 2, 3].map((i) => post(node(i).url, '/v1/keygen', job)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => r.body.publicKey)).size, 1);
    publicKey = results[0]!.body.publicKey as string;
    address = results[0]!.body.address as string;
    assert.match(results[0]!.body.chainCode as string, /^0x[0-9a-f]{64}$/);
    assert.match(address, /^0x[0-9a-fA-F]{40}$/);
  });

  it('signs a transaction with 2 of 3 nodes', async () => {
    const body = transferBody('treasury');
    signedJob = signJobOf({ body, initiator, signers: [1, 2] });
    const [a, b] = await Promise.all([sign(1, signedJob), sign(2, signedJob)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, b.body);
    verifyEcdsa(a.body, evmSigningPayload(body));
  });

  it('signs under a derivation path with the derived key', async () => {
    const body = transferBody('treasury', { derivationPath: [0, 7] });
    const job = signJobOf({ body, initiator, signers: [2, 3] });
    const [a, b] = await Promise.all([sign(2, job), sign(3, job)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, b.body);
    const derived = a.body.publicKey as string;
    assert.notEqual(derived, publicKey);
    const sig = a.body.signature as { r: string; s: string };
    const compact = hexToBytes(sig.r.slice(2) + sig.s.slice(2));
    assert.ok(secp256k1.verify(compact, evmSigningPayload(body), hexToBytes(derived), { prehash: false }));
  });

  it('refuses a request with a bad signature', async () => {
    const job = signJobOf({ body: transferBody('treasury'), initiator, signers: [1, 2] });
    const forged = { ...job, request: { ...job.request, body: { ...job.request.body, chainId: 31338 } } };
    forged.request.body.transaction = { ...forged.request.body.transaction!, chainId: 31338 };
    const r = await sign(1, forged);
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'BAD_SIGNATURE');
    assertRefusedAndNothingSigned(1, 'BAD_SIGNATURE', job.request.body.requestId);
  });

  it('refuses a replayed request', async () => {
    const requestId = signedJob.request.body.requestId;
    const r = await sign(1, { ...signedJob, sessionId: hex(32) });
    assert.equal(r.status, 409);
    assert.equal(r.body.error?.code, 'REPLAYED');
    const refused = events(node(1), 'sign_job_refused').filter((e) => e.requestId === requestId);
    assert.equal(refused.length, 1);
    assert.equal(
      events(node(1), 'sign_job_signed').filter((e) => e.requestId === requestId).length,
      1,
      'signed once only',
    );
  });

  it('refuses an expired request', async () => {
    const past = Math.floor(Date.now() / 1000) - 600;
    const job = signJobOf({
      body: transferBody('treasury', { createdAt: past, expiresAt: past + 60 }),
      initiator,
      signers: [1, 2],
    });
    const r = await sign(2, job);
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'EXPIRED');
    assertRefusedAndNothingSigned(2, 'EXPIRED', job.request.body.requestId);
  });

  it('refuses a sign job whose payload does not match its transaction', async () => {
    const body = transferBody('treasury');
    const job = { ...signJobOf({ body, initiator, signers: [1, 2] }), payload: hex(32) };
    const r = await sign(1, job);
    assert.equal(r.status, 403);
    assert.equal(r.body.error?.code, 'PAYLOAD_MISMATCH');
    assertRefusedAndNothingSigned(1, 'PAYLOAD_MISMATCH', body.requestId);
    // Its co-signer, which got a consistent job, learns at once that node 1 will not take part.
    const r2 = await sign(2, { ...job, payload: undefined });
    assert.equal(r2.status, 502, JSON.stringify(r2.body));
    assert.equal(r2.body.error?.code, 'PEER_UNREACHABLE');
  });

  it('survives a node killed mid-signing: the session aborts cleanly, a retry with the other two signs', async () => {
    const body = transferBody('treasury');
    const job = signJobOf({ body, initiator, signers: [1, 2] });
    // Node 2 starts the session and sends its first messages; node 1 has not got its job yet.
    const onTwo = sign(2, job).catch((error: unknown) => error);
    await waitFor(() => events(node(2), 'session_started').some((e) => e.sessionId === job.sessionId));
    await cluster.kill(2);
    assert.ok((await onTwo) instanceof Error, 'the killed node never answered');
    // Node 1 joins, cannot reach node 2, aborts and cleans up with a clear error.
    const r = await sign(1, job);
    assert.ok([502, 504].includes(r.status), JSON.stringify(r.body));
    assert.match(r.body.error!.code, /^(PEER_UNREACHABLE|SESSION_TIMEOUT)$/);
    assert.match(r.body.error!.message, /node-2/);
    const aborted = events(node(1), 'session_aborted').filter((e) => e.sessionId === job.sessionId);
    assert.equal(aborted.length, 1);
    // The coordinator retries the same request with another signer set and a fresh session id.
    const retry = { ...job, sessionId: hex(32), signers: [1, 3] };
    const [a, c] = await Promise.all([sign(1, retry), sign(3, retry)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, c.body);
    verifyEcdsa(a.body, evmSigningPayload(body));
    const metrics = (await get(node(1).url, '/metrics')).text;
    assert.match(
      metrics,
      /cairn_node_protocol_aborts_total\{code="(PEER_UNREACHABLE|SESSION_TIMEOUT)",node="node-1"\} 1/,
    );
    await cluster.start(2);
  });

  it('serves Prometheus metrics', async () => {
    const { status, text } = await get(node(1).url, '/metrics');
    assert.equal(status, 200);
    assert.match(text, /cairn_node_sign_jobs_total\{outcome="signed",node="node-1"\} 2/);
    assert.match(text, /cairn_node_sign_jobs_total\{outcome="refused",node="node-1"\} [1-9]/);
    assert.match(text, /cairn_node_sign_refusals_total\{code="PAYLOAD_MISMATCH",node="node-1"\} 1/);
    assert.match(text, /cairn_node_sign_duration_seconds_count\{node="node-1",scheme="dkls23-secp256k1"\} 2/);
    assert.match(text, /cairn_node_up\{node="node-1"\} 1/);
  });

  it('refuses to start with a wrong passphrase, a damaged or missing database, or a weak committee file', async () => {
    const members = await Promise.all(
      [1, 2, 3].map(async (i) => ({
        ...JSON.parse((await get(node(i).url, '/v1/health')).text),
        url: node(i).url,
      })),
    );
    await cluster.kill(3, 'SIGTERM');
    assert.ok(events(node(3), 'stopped').length === 1, 'graceful shutdown');
    const db = join(node(3).dataDir, 'node.db');
    const digest = () => createHash('sha256').update(readFileSync(db)).digest('hex');
    const before = digest();

    const wrong = await cluster.startFailing(3, { passphrase: 'not the passphrase' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.output, /WRONG_PASSPHRASE/);
    assert.equal(digest(), before, 'a wrong passphrase leaves the database untouched');

    const backup = `${db}.bak`;
    copyFileSync(db, backup);
    const damaged = readFileSync(db);
    damaged.fill(0x5a, 0, 100);
    writeFileSync(db, damaged);
    const corrupt = await cluster.startFailing(3);
    assert.equal(corrupt.code, 1);
    assert.match(corrupt.output, /DATABASE_CORRUPTED/);
    assert.ok(readFileSync(db).equals(damaged), 'a damaged database is not rewritten');

    renameSync(db, `${db}.moved`);
    const missing = await cluster.startFailing(3);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /DATABASE_MISSING/);
    assert.equal(existsSync(db), false, 'no empty database is created in its place');

    renameSync(backup, db);
    assert.equal(digest(), before);

    // A committee file with too few admin signatures stops the node at startup.
    const weak = committeeOf(members, cluster.admins.slice(0, 1), 2);
    const weakFile = join(cluster.dir, 'weak-committee.json');
    writeFileSync(weakFile, JSON.stringify(weak));
    const refused = await cluster.startFailing(3, { config: { committeeFile: weakFile } });
    assert.equal(refused.code, 1);
    assert.match(
      refused.output,
      /"event":"committee_refused","node":"node-3","code":"INSUFFICIENT_SIGNATURES"/,
    );
    assert.match(refused.output, /INSUFFICIENT_SIGNATURES: committee: 1 valid admin signature/);

    const restarted = await cluster.start(3);
    const vault = await get(restarted.url, '/v1/vaults/treasury');
    assert.equal(vault.status, 200);
    assert.equal(JSON.parse(vault.text).publicKey, publicKey);
  });

  it('leaves no share material or passphrase in any captured log line', async () => {
    const secrets: Uint8Array[] = [];
    for (let i = 1; i <= 3; i++) {
      const unlocked = await unlockNode({
        dataDir: node(i).dataDir,
        nodeId: `node-${i}`,
        passphrase: PROCESS_PASSPHRASE,
        kdfLogN: 15,
      });
      const shares = new ShareStore({
        db: unlocked.db,
        nodeId: `node-${i}`,
        wrappingKey: unlocked.wrappingKey,
      });
      const keyId = (unlocked.db.prepare('SELECT key_id FROM shares').get() as { key_id: string }).key_id;
      secrets.push(
        shares.get(keyId).secretBytes(),
        unlocked.identity.signingSecretKey,
        unlocked.identity.encryptionSecretKey,
      );
      secrets.push(unlocked.wrappingKey);
      unlocked.db.close();
    }
    // The run-wide scan (npm test) searches every captured log of every package for these too.
    for (const secret of secrets) registerTestSecret(secret);
    registerTestPhrase(PROCESS_PASSPHRASE);
    const text = readFileSync(cluster.logFile, 'utf8');
    assert.ok(text.split('\n').length > 50, 'the scan saw the whole run');
    const findings = scanLogsForSecrets({
      text,
      secrets,
      phrases: [PROCESS_PASSPHRASE, 'not the passphrase'],
    });
    assert.deepEqual(findings, []);
    // Nothing crashed or escaped its error handling in any process.
    assert.doesNotMatch(text, /uncaught_exception|unhandled_rejection|http_request_failed/);
    if (process.env.CAIRN_TEST_LOG_DIR)
      copyFileSync(cluster.logFile, join(process.env.CAIRN_TEST_LOG_DIR, 'node-processes.log'));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
