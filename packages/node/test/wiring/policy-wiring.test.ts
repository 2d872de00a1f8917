// Issue 6 on the signer node: every node re-evaluates the policy it has accepted, with its own
// ledger, and refuses a job whose decision, approvals or policy hash disagree; governance changes
// take effect only when admin-quorum-signed, apply to requests submitted after activation, and
// survive a restart. Every outcome lands in the node's own audit log (issue 7).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTypedData, type IntentReport, reportDigest, toIntentFacts } from '@cairn/intent';
import { JobRefusedError, NodeError, type SignJob, type SignRequestBody } from '@cairn/node';
import type { GovernedState } from '@cairn/policy';
import { hex, signJobOf, transferBody } from '../helpers/fixtures.ts';
import { scanLogsForSecrets } from '../log-scan.ts';
import {
  approval,
  coordinatorClaims,
  genesisState,
  ONE_ETH,
  policyDocument,
  signedChange,
  signedGenesis,
} from './policy-fixtures.ts';
import { PASSPHRASE, startWiredCluster, type WiredCluster } from './wired-cluster.ts';

const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const ATTACKER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';

const refusedWith = (code: string) => (e: unknown) => {
  assert.ok(e instanceof JobRefusedError, `expected a refusal, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  return true;
};

describe('policy on every signer node (in-process cluster)', () => {
  let c: WiredCluster;
  before(async () => {
    c = await startWiredCluster();
  });
  after(async () => {
    await c?.close();
  });

  const vault = () => c.nodes[0]!.getVault('treasury')!;
  /** A job with the coordinator's claims, as computed under `state`. */
  function jobFor(body: SignRequestBody, state: GovernedState, signers = [1, 2]) {
    const job = signJobOf({ body, initiator: c.initiator, signers });
    const claims = coordinatorClaims({ state, request: job.request, vault: vault() });
    const withClaims: SignJob = {
      ...job,
      decision: claims.decision,
      policyHash: claims.policyHash,
      approvals: [],
    };
    return { job: withClaims, claims };
  }
  const large = () =>
    transferBody('treasury', {
      transaction: { ...transferBody('treasury').transaction!, value: (5n * ONE_ETH).toString() },
    });
  /** Every node refuses the job with `code`; the refusal message says why. */
  async function everyNodeRefuses(job: SignJob, code: string): Promise<string[]> {
    const messages: string[] = [];
    // Each node as one of the job's signers: the refusal comes from its own policy check.
    const everyone = { ...job, signers: [1, 2, 3] };
    for (const node of c.nodes) {
      await assert.rejects(node.sign(everyone), (e: unknown) => {
        refusedWith(code)(e);
        messages.push((e as Error).message);
        return true;
      });
    }
    return messages;
  }

  it('signs a job whose decision it re-derives, and records it in its own audit log', async () => {
    const { job } = jobFor(transferBody('treasury'), c.genesis);
    const [a, b] = await Promise.all([c.nodes[0]!.sign(job), c.nodes[1]!.sign(job)]);
    assert.equal(
      a.signature && 'r' in a.signature ? a.signature.r : '',
      b.signature && 'r' in b.signature ? b.signature.r : '',
    );
    const entries = await c.nodes[0]!.audit.entries();
    const kinds = entries.map((e) => e.kind);
    for (const k of [
      'node.started',
      'membership.changed',
      'key.generated',
      'policy.decided',
      'signjob.accepted',
      'signature.produced',
    ])
      assert.ok(kinds.includes(k as never), `missing ${k} in ${kinds.join(', ')}`);
    const decided = entries.find((e) => e.kind === 'policy.decided');
    assert.equal(
      decided?.kind === 'policy.decided' && (decided.data.outcome as { ruleId: string }).ruleId,
      'small',
    );
    const produced = entries.find((e) => e.kind === 'signature.produced');
    const accepted = entries.find((e) => e.kind === 'signjob.accepted');
    assert.ok(produced && accepted && produced.prev.length === 1);
    // The signers recorded it in their own velocity ledgers; node 3 learns it from a verified notice.
    assert.equal(c.nodes[0]!.policyStatus()?.ledgerEntries, 1);
    assert.equal(c.nodes[2]!.policyStatus()?.ledgerEntries, 0);
    const notice = { request: job.request, signature: a.signature };
    assert.deepEqual(c.nodes[2]!.recordSignedElsewhere(notice), {
      requestId: job.request.body.requestId,
      recorded: true,
    });
    assert.equal(c.nodes[2]!.recordSignedElsewhere(notice).recorded, true);
    assert.equal(c.nodes[2]!.policyStatus()?.ledgerEntries, 1);
    const r = (a.signature as { r: string }).r;
    const forged = {
      ...notice,
      signature: { ...a.signature, r: `0x${(BigInt(r) ^ 1n).toString(16).padStart(64, '0')}` },
    };
    assert.throws(() => c.nodes[2]!.recordSignedElsewhere(forged), refusedWith('BAD_SIGNATURE'));
    // Another transaction (the payload, not the request id, is what the signature covers).
    const otherBody = transferBody('treasury');
    otherBody.transaction = { ...otherBody.transaction!, nonce: 1 };
    const other = signJobOf({ body: otherBody, initiator: c.initiator, signers: [1, 2] });
    assert.throws(
      () => c.nodes[2]!.recordSignedElsewhere({ request: other.request, signature: a.signature }),
      refusedWith('BAD_SIGNATURE'),
    );
    assert.equal(c.nodes[2]!.policyStatus()?.ledgerEntries, 1);
  });

  it('refuses a forged allow on every node (POLICY_DECISION_MISMATCH), and says why', async () => {
    const { job, claims } = jobFor(large(), c.genesis);
    assert.equal(claims.decision.outcome, 'require_approvals');
    const forged: SignJob = {
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
    const messages = await everyNodeRefuses(forged, 'POLICY_DECISION_MISMATCH');
    assert.match(messages[0]!, /allow by small.*differs/);
    // The refusal is in each node's own audit log, with its code.
    for (const node of c.nodes) {
      const refused = (await node.audit.entries()).filter((e) => e.kind === 'signjob.refused');
      assert.ok(
        refused.some(
          (e) =>
            e.kind === 'signjob.refused' &&
            e.data.code === 'POLICY_DECISION_MISMATCH' &&
            e.data.requestId === job.request.body.requestId,
        ),
      );
    }
  });

  it('refuses a job with a missing approval on every node (APPROVAL_MISSING), then signs once the quorum is there', async () => {
    const { job, claims } = jobFor(large(), c.genesis);
    const one = approval({ approver: 'carol', state: c.genesis, facts: claims.facts });
    const messages = await everyNodeRefuses({ ...job, approvals: [one] }, 'APPROVAL_MISSING');
    assert.match(messages[0]!, /finance/);
    // An approval for another request is not counted: it is refused as invalid.
    const other = jobFor(large(), c.genesis);
    const replayed = approval({ approver: 'dave', state: c.genesis, facts: other.claims.facts });
    await everyNodeRefuses({ ...job, approvals: [one, replayed] }, 'APPROVAL_INVALID');
    // A rejection by an eligible approver ends it.
    const reject = approval({ approver: 'erin', state: c.genesis, facts: claims.facts, decision: 'reject' });
    const two = approval({ approver: 'dave', state: c.genesis, facts: claims.facts });
    await everyNodeRefuses({ ...job, approvals: [one, two, reject] }, 'APPROVAL_REJECTED');
    // Nothing above spent the nonce: the same request with its quorum is signed.
    const approved = { ...job, sessionId: hex(32), signers: [2, 3], approvals: [one, two] };
    await Promise.all([c.nodes[1]!.sign(approved), c.nodes[2]!.sign(approved)]);
  });

  it('decides with its own intent facts: a risky permit is refused whatever the relayed report says', async () => {
    const address = c.vault.address!;
    const permit = (spender: string, value: string) => ({
      domain: { name: 'Demo', version: '1', chainId: 31337, verifyingContract: TOKEN },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit',
      message: { owner: address, spender, value, nonce: '0', deadline: '1900000000' },
    });
    const typedBody = (typedData: ReturnType<typeof permit>): SignRequestBody => {
      const { transaction: _tx, ...rest } = transferBody('treasury');
      return { ...rest, kind: 'evm.typed-data', typedData };
    };
    const analysed = async (typedData: ReturnType<typeof permit>) =>
      (await analyzeTypedData({ kind: 'typed-data', chainId: 31337, signer: address, typedData })).report;
    const claimOf = (report: IntentReport) => ({
      facts: toIntentFacts(report),
      digest: reportDigest(report),
      report,
    });
    const jobWith = (body: SignRequestBody, report: IntentReport, decided = report) => {
      const job = signJobOf({ body, initiator: c.initiator, signers: [1, 2, 3] });
      const claims = coordinatorClaims({
        state: c.genesis,
        request: job.request,
        vault: vault(),
        intent: toIntentFacts(decided),
      });
      return {
        ...job,
        intent: claimOf(report),
        decision: claims.decision,
        policyHash: claims.policyHash,
        approvals: [],
      };
    };
    const risky = typedBody(permit(ATTACKER, (2n ** 256n - 1n).toString()));
    const honest = await analysed(risky.typedData as ReturnType<typeof permit>);
    assert.ok(honest.riskLevel === 'high' || honest.riskLevel === 'critical', honest.riskLevel);
    // The coordinator hides the findings (report, facts and decision consistent with each other).
    const hidden: IntentReport = { ...honest, findings: [], riskLevel: 'none' };
    await everyNodeRefuses(jobWith(risky, hidden), 'INTENT_MISMATCH');
    // With the honest report but an allow decided on rosier facts: each node decides on its own facts.
    await everyNodeRefuses(jobWith(risky, honest, hidden), 'POLICY_DECISION_MISMATCH');
    await everyNodeRefuses(jobWith(risky, honest), 'POLICY_BLOCKED');
    // A bounded permit to a known spender is allowed and signed.
    const modest = typedBody(permit(address, '10'));
    const report = await analysed(modest.typedData as ReturnType<typeof permit>);
    const job = { ...jobWith(modest, report), signers: [1, 2] };
    assert.equal(job.decision.outcome, 'allow', job.decision.explanation);
    await Promise.all([c.nodes[0]!.sign(job), c.nodes[1]!.sign(job)]);
  });

  it('refuses a job without policy claims (POLICY_CLAIM_MISSING)', async () => {
    const job = signJobOf({ body: transferBody('treasury'), initiator: c.initiator, signers: [1, 2] });
    await everyNodeRefuses(job, 'POLICY_CLAIM_MISSING');
  });

  it('accepts only admin-quorum-signed changes, and then refuses jobs decided under the stale policy', async () => {
    const head = c.genesis;
    const now = Date.now();
    const tighter = [
      {
        id: 'no-typed',
        when: { kinds: ['typed_data'] },
        action: { type: 'block', reason: 'typed data is off' },
      },
    ];
    const ops = [{ op: 'set_policy' as const, policy: policyDocument(2, tighter) }];
    // One admin is not the quorum; a change on another base is refused.
    await assert.rejects(
      c.nodes[0]!.applyPolicyChange(signedChange(head, ops, now, ['frank'])),
      refusedWith('POLICY_INSUFFICIENT_SIGNATURES'),
    );
    const tampered = signedChange(head, ops, now);
    tampered.change.description = 'edited after signing';
    await assert.rejects(
      c.nodes[0]!.applyPolicyChange(tampered),
      refusedWith('POLICY_INSUFFICIENT_SIGNATURES'),
    );
    // A request submitted before the change activates keeps the old policy.
    const before = transferBody('treasury', { createdAt: Math.floor(now / 1000) - 5 });
    const beforeJob = jobFor(before, head, [1, 3]).job;
    const good = signedChange(head, ops, now);
    const results = await Promise.all(c.nodes.map((n) => n.applyPolicyChange(good)));
    assert.deepEqual(new Set(results.map((r) => r.version)), new Set([2]));
    await assert.rejects(c.nodes[0]!.applyPolicyChange(good), refusedWith('POLICY_BASE_MISMATCH'));
    // Submitted after activation but decided under version 1: stale policy, refused everywhere.
    const afterBody = transferBody('treasury', { createdAt: Math.floor(now / 1000) + 1 });
    const stale = jobFor(afterBody, head).job;
    const messages = await everyNodeRefuses(stale, 'POLICY_HASH_MISMATCH');
    assert.match(messages[0]!, /stale or unknown policy/);
    await Promise.all([c.nodes[0]!.sign(beforeJob), c.nodes[2]!.sign(beforeJob)]);
    // The change is in every node's audit log.
    const entries = await c.nodes[2]!.audit.entries();
    assert.ok(entries.some((e) => e.kind === 'policy.changed' && e.data.version === 2));
  });

  it('keeps its accepted policy across a restart and refuses a different genesis', async () => {
    const other = join(c.dir, 'other-genesis.json');
    writeFileSync(other, JSON.stringify(signedGenesis(genesisState(Date.now() - 1000))));
    await assert.rejects(
      c.startWithGenesis(1, other),
      (e: unknown) =>
        e instanceof NodeError && e.code === 'CONFIG_INVALID' && /genesis differs/.test(e.message),
    );
    const node = await c.restart(1);
    assert.equal(node.policyStatus()?.version, 2);
    const kinds = (await node.audit.entries()).map((e) => e.kind);
    assert.ok(
      kinds.includes('node.stopped') && kinds.lastIndexOf('node.started') > kinds.indexOf('node.stopped'),
    );
  });

  it('never logs secrets', () => {
    const findings = scanLogsForSecrets({
      text: c.logs.join('\n'),
      secrets: [c.initiator, ...c.admins],
      phrases: [PASSPHRASE],
    });
    assert.deepEqual(findings, []);
  });
});
