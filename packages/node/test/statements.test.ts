import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  bytesToHex,
  parseCommittee,
  parseKeygenJob,
  parseSignedRequest,
  parseSignJob,
  publicKeyOf,
  randomSigningKey,
  type SignRequestBody,
  signCommittee,
  signKeygenJob,
  signSignRequest,
  StatementError,
  verifyCommittee,
  verifyKeygenJob,
  verifySignedRequest,
} from '@cairn/node';

const now = Math.floor(Date.now() / 1000);
const body = (): SignRequestBody => ({
  requestId: randomUUID(),
  vaultId: 'treasury',
  idempotencyKey: 'k1',
  kind: 'evm.transaction',
  chainId: 31337,
  derivationPath: [0, 1],
  transaction: {
    type: 'eip1559',
    chainId: 31337,
    nonce: 0,
    to: '0x000000000000000000000000000000000000dEaD',
    value: '1000000000000000000',
    data: '0x',
    gas: '21000',
    maxFeePerGas: '2000000000',
    maxPriorityFeePerGas: '1000000000',
  },
  nonce: bytesToHex(randomBytes(16)),
  createdAt: now,
  expiresAt: now + 300,
});

describe('statements', () => {
  it('signs and verifies a request; any change breaks the signature', () => {
    const key = randomSigningKey();
    const signed = signSignRequest(body(), key);
    assert.equal(signed.initiator, publicKeyOf(key));
    assert.ok(verifySignedRequest(parseSignedRequest(JSON.parse(JSON.stringify(signed)))));
    const tampered = { ...signed, body: { ...signed.body, chainId: 1 } };
    assert.equal(verifySignedRequest(tampered), false);
    const other = { ...signed, initiator: publicKeyOf(randomSigningKey()) };
    assert.equal(verifySignedRequest(other), false);
  });

  it('rejects malformed requests with INVALID_STATEMENT', () => {
    const b = body();
    assert.throws(
      () => parseSignedRequest({ body: { ...b, message: '0x00' }, initiator: '0x', signature: '0x' }),
      (e: unknown) => e instanceof StatementError && e.code === 'INVALID_STATEMENT',
    );
    assert.throws(() => parseSignedRequest({ body: { ...b, extra: 1 }, initiator: '0x', signature: '0x' }));
    assert.throws(() => parseSignedRequest({ body: { ...b, expiresAt: b.createdAt } }));
    const key = randomSigningKey();
    assert.throws(() => signSignRequest({ ...b, transaction: undefined }, key), StatementError);
  });

  it('committee: verifies an admin quorum, refuses too few or forged signatures', () => {
    const admins = [randomSigningKey(), randomSigningKey(), randomSigningKey()];
    const trust = { keys: admins.map(publicKeyOf), quorum: 2 };
    const committeeBody = {
      committeeId: 'dev',
      version: 1,
      members: [1, 2, 3].map((p) => ({
        nodeId: `node-${p}`,
        partyId: p,
        signingKey: bytesToHex(randomBytes(32)),
        encryptionKey: bytesToHex(randomBytes(32)),
        url: `http://127.0.0.1:${4100 + p}`,
      })),
    };
    const ok = parseCommittee(JSON.parse(JSON.stringify(signCommittee(committeeBody, admins.slice(0, 2)))));
    verifyCommittee(ok, trust);
    const one = signCommittee(committeeBody, admins.slice(0, 1));
    assert.throws(
      () => verifyCommittee(one, trust),
      (e: unknown) => e instanceof StatementError && e.code === 'INSUFFICIENT_SIGNATURES',
    );
    const twice = { ...one, signatures: [...one.signatures, ...one.signatures] };
    assert.throws(() => verifyCommittee(twice, trust), /INSUFFICIENT|quorum/);
    const outsider = signCommittee(committeeBody, [admins[0]!, randomSigningKey()]);
    assert.throws(() => verifyCommittee(outsider, trust), /quorum is 2/);
    const forged = { ...ok, version: 2 };
    assert.throws(
      () => verifyCommittee(forged, trust),
      (e: unknown) => e instanceof StatementError && e.code === 'BAD_SIGNATURE',
    );
  });

  it('keygen job and sign job round-trip through JSON', () => {
    const admin = randomSigningKey();
    const job = signKeygenJob(
      {
        vaultId: 'treasury',
        name: 'Treasury',
        scheme: 'dkls23-secp256k1',
        threshold: 2,
        parties: [1, 2, 3],
        sessionId: bytesToHex(randomBytes(32)),
        initiators: [{ id: 'alice', publicKey: publicKeyOf(randomSigningKey()) }],
        nonce: bytesToHex(randomBytes(16)),
        expiresAt: now + 60,
      },
      [admin],
    );
    const parsed = parseKeygenJob(JSON.parse(JSON.stringify(job)));
    verifyKeygenJob(parsed, { keys: [publicKeyOf(admin)], quorum: 1 });
    assert.throws(() => parseKeygenJob({ ...job, threshold: 4 }), /threshold/);
    const signJob = parseSignJob({
      sessionId: bytesToHex(randomBytes(32)),
      signers: [1, 2],
      request: signSignRequest(body(), randomSigningKey()),
    });
    assert.deepEqual(signJob.signers, [1, 2]);
    assert.throws(() => parseSignJob({ ...signJob, signers: [1, 1] }), /distinct/);
  });
});
