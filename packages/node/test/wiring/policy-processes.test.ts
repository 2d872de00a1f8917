// Issue 6 acceptance on real signer node processes (each its own database, ledger and audit log,
// real DKLs23): a sign job relayed with a forged allow, a missing approval or a stale policy is
// refused by every node, over HTTP, with a typed code and a message for the initiator; policy
// changes are accepted only admin-quorum-signed; a correct job is signed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomSigningKey, type SignJob, type SignRequestBody, type VaultRecord } from '@cairn/node';
import { hex, keygenJobOf, signJobOf, transferBody } from '../helpers/fixtures.ts';
import {
  events,
  get,
  type HttpResult,
  type ProcessCluster,
  post,
  startProcessCluster,
} from '../helpers/process-cluster.ts';
import {
  approval,
  coordinatorClaims,
  genesisState,
  ONE_ETH,
  policyDocument,
  signedChange,
  signedGenesis,
} from './policy-fixtures.ts';

describe('policy on real signer node processes', () => {
  let cluster: ProcessCluster;
  const initiator = randomSigningKey();
  const genesis = genesisState(Date.now() - 3_600_000);
  let vault: VaultRecord;

  before(async () => {
    cluster = await startProcessCluster({ n: 0, sessionTimeoutMs: 10_000 });
    const genesisFile = join(cluster.dir, 'genesis.json');
    writeFileSync(genesisFile, JSON.stringify(signedGenesis(genesis)));
    await Promise.all([1, 2, 3].map((i) => cluster.start(i, { config: { policy: { genesisFile } } })));
    for (const r of await cluster.installCommittee()) assert.equal(r.status, 200);
    const job = keygenJobOf({
      vaultId: 'treasury',
      admins: cluster.admins.slice(0, 2),
      initiators: [initiator],
    });
    const results = await Promise.all(cluster.nodes.map((n) => post(n.url, '/v1/keygen', job)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    vault = JSON.parse((await get(cluster.nodes[0]!.url, '/v1/vaults/treasury')).text) as VaultRecord;
  });
  after(async () => {
    await cluster?.close();
  });

  function jobFor(body: SignRequestBody, state = genesis) {
    const job = signJobOf({ body, initiator, signers: [1, 2, 3] });
    const claims = coordinatorClaims({ state, request: job.request, vault });
    return {
      job: { ...job, decision: claims.decision, policyHash: claims.policyHash, approvals: [] } as SignJob,
      claims,
    };
  }
  const large = () => {
    const base = transferBody('treasury');
    return { ...base, transaction: { ...base.transaction!, value: (5n * ONE_ETH).toString() } };
  };
  async function everyNodeRefuses(job: SignJob, code: string): Promise<HttpResult[]> {
    const results = await Promise.all(cluster.nodes.map((n) => post(n.url, '/v1/sign', job)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 403, `node-${i + 1}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, code, `node-${i + 1}: ${r.body.error?.message}`);
      assert.ok((r.body.error?.message.length ?? 0) > 20, 'the refusal explains itself');
      const logged = events(cluster.nodes[i]!, 'sign_job_refused');
      assert.ok(logged.some((e) => e.code === code && e.requestId === job.request.body.requestId));
    }
    return results;
  }

  it('refuses a forged allow on every node', async () => {
    const { job, claims } = jobFor(large());
    const forged = {
      ...job,
      decision: {
        ...claims.decision,
        outcome: 'allow',
        code: 'RULE_ALLOW',
        ruleId: 'small',
        ruleIndex: 1,
        approvals: null,
      },
    };
    const [r] = await everyNodeRefuses(forged, 'POLICY_DECISION_MISMATCH');
    assert.match(r!.body.error!.message, /require_approvals|approv/i);
  });

  it('refuses a job missing an approval on every node', async () => {
    const { job, claims } = jobFor(large());
    const one = approval({ approver: 'carol', state: genesis, facts: claims.facts });
    await everyNodeRefuses({ ...job, approvals: [one] }, 'APPROVAL_MISSING');
  });

  it('signs a correct job with two processes', async () => {
    const { job } = jobFor(transferBody('treasury'));
    const signing = { ...job, signers: [1, 3] };
    const [a, b] = await Promise.all([
      post(cluster.nodes[0]!.url, '/v1/sign', signing),
      post(cluster.nodes[2]!.url, '/v1/sign', signing),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body.signature, b.body.signature);
  });

  it('accepts a quorum-signed policy change only, then refuses jobs decided under the stale policy', async () => {
    const now = Date.now();
    const ops = [{ op: 'set_policy' as const, policy: policyDocument(2) }];
    const weak = await post(
      cluster.nodes[0]!.url,
      '/v1/policy/changes',
      signedChange(genesis, ops, now, ['grace']),
    );
    assert.equal(weak.status, 403);
    assert.equal(weak.body.error?.code, 'POLICY_INSUFFICIENT_SIGNATURES');
    const change = signedChange(genesis, ops, now);
    for (const n of cluster.nodes) {
      const r = await post(n.url, '/v1/policy/changes', change);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.version, 2);
      const head = JSON.parse((await get(n.url, '/v1/policy')).text) as { version: number };
      assert.equal(head.version, 2);
    }
    const stale = jobFor(transferBody('treasury', { createdAt: Math.floor(now / 1000) + 1 })).job;
    await everyNodeRefuses({ ...stale, sessionId: hex(32) }, 'POLICY_HASH_MISMATCH');
  });
});
