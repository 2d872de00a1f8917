// The coordinator's policy side: request facts derived from the signed request, decisions at
// submission time, approval collection with quorum and anti-replay, governance changes that
// persist across restarts.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { randomBytes, randomUUID } from 'node:crypto';
import { NO_CHAIN_ID, signSignRequest } from '@cairn/node';
import { ChainId, stateHash } from '@cairn/policy';
import { encodeFunctionData, erc20Abi, maxUint256 } from 'viem';
import { type ApprovalRefusedError, CoordinatorPolicy } from '../../src/policy/coordinator-policy.ts';
import { signChange } from '../../src/policy/governance-operation.ts';
import { PolicyStore } from '../../src/policy/policy-store.ts';
import { PreSignGate } from '../../src/policy/pre-sign-gate.ts';
import { policyRequestOf, RequestFactsError } from '../../src/policy/request-facts.ts';
import {
  approval,
  INITIATOR_ID,
  initiatorPublicKey,
  ONE_ETH,
  secretKeyOf,
  signedGenesis,
  signedTx,
  testPolicy,
  testState,
  tx,
} from './fixtures.ts';

const VAULT = {
  vaultId: 'treasury',
  address: '0x1111111111111111111111111111111111111111',
  initiators: [{ id: INITIATOR_ID, publicKey: initiatorPublicKey }],
};
const SAFE = { status: 'simulated' as const, riskLevel: 'low' as const, findingIds: [] };
const token = '0x00000000000000000000000000000000000000aa';
const spender = '0x00000000000000000000000000000000000000bb';

function openPolicy(db = new DatabaseSync(':memory:')) {
  return CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis() });
}

describe('request facts (docs/coordinator-wiring.md "Request facts")', () => {
  it('maps native transfers, ERC-20 transfers and approvals, contract calls', () => {
    const initiators = VAULT.initiators;
    const native = policyRequestOf({
      request: signedTx({ vaultId: 'treasury', transaction: tx({ value: '5' }) }),
      initiators,
    });
    assert.equal(native.kind, 'transfer');
    assert.equal(native.initiator, INITIATOR_ID);
    assert.equal(native.chain, 'eip155:31337');
    assert.equal(native.asset?.id, 'eip155:31337/slip44:60');
    assert.equal(native.amount, 5n);
    assert.equal(native.destination?.address, '0x000000000000000000000000000000000000beef');

    const transfer = policyRequestOf({
      request: signedTx({
        vaultId: 'treasury',
        transaction: tx({
          to: token,
          value: '0',
          data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [spender, 7n] }),
        }),
      }),
      initiators,
      assetDecimals: () => 6,
    });
    assert.equal(transfer.kind, 'transfer');
    assert.deepEqual(transfer.asset, { id: `eip155:31337/erc20:${token.toLowerCase()}`, decimals: 6 });
    assert.equal(transfer.amount, 7n);
    assert.equal(transfer.destination?.address, spender.toLowerCase());

    const approve = policyRequestOf({
      request: signedTx({
        vaultId: 'treasury',
        transaction: tx({
          to: token,
          value: '0',
          data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [spender, maxUint256] }),
        }),
      }),
      initiators,
    });
    assert.equal(approve.kind, 'token_approval');
    assert.equal(approve.amount, maxUint256);
    assert.equal(approve.destination?.address, spender.toLowerCase());

    const call = policyRequestOf({
      request: signedTx({
        vaultId: 'treasury',
        transaction: tx({ to: token, value: '3', data: '0x12345678' }),
      }),
      initiators,
    });
    assert.equal(call.kind, 'contract_call');
    assert.equal(call.amount, 3n);
  });

  it('maps ed25519.message to raw_message, amount 0, on no chain (cairn:none)', () => {
    const now = Math.floor(Date.now() / 1000);
    const request = signSignRequest(
      {
        requestId: randomUUID(),
        vaultId: 'ed-vault',
        idempotencyKey: randomUUID(),
        kind: 'ed25519.message',
        chainId: NO_CHAIN_ID,
        derivationPath: [],
        message: '0x68656c6c6f',
        nonce: `0x${randomBytes(16).toString('hex')}`,
        createdAt: now,
        expiresAt: now + 300,
      },
      secretKeyOf(INITIATOR_ID),
    );
    const facts = policyRequestOf({ request, initiators: VAULT.initiators });
    assert.equal(facts.kind, 'raw_message');
    assert.equal(facts.amount, 0n);
    assert.equal(facts.chain, 'cairn:none');
    assert.equal(facts.asset, undefined);
    assert.ok(ChainId.safeParse(facts.chain).success);
  });

  it('refuses a key that is not an initiator of the vault', () => {
    assert.throws(
      () =>
        policyRequestOf({
          request: signedTx({ vaultId: 'treasury', transaction: tx(), key: secretKeyOf('eve') }),
          initiators: VAULT.initiators,
        }),
      RequestFactsError,
    );
  });
});

describe('coordinator policy: decisions, approvals, governance', () => {
  it('allows a small transfer, blocks high risk and unknown intent (fail closed)', () => {
    const policy = openPolicy();
    const gate = new PreSignGate({ policy, intent: null });
    const small = signedTx({ vaultId: 'treasury', transaction: tx({ value: '1000' }) });
    const routed = gate.decide({ requestId: small.body.requestId, signedRequest: small }, VAULT, Date.now());
    // No intent service: the intent is unknown, so allow and approval rules are skipped.
    assert.equal(routed.route, 'block');
    assert.equal(routed.decision?.decision.code, 'NO_RULE_MATCHED');

    const request = policyRequestOf({
      request: signedTx({ vaultId: 'treasury', transaction: tx() }),
      initiators: VAULT.initiators,
    });
    assert.equal(policy.decide({ request, intent: SAFE, nowMs: Date.now() }).decision.outcome, 'allow');
    const risky = policyRequestOf({
      request: signedTx({ vaultId: 'treasury', transaction: tx() }),
      initiators: VAULT.initiators,
    });
    const d = policy.decide({
      request: risky,
      intent: { status: 'simulated', riskLevel: 'high', findingIds: ['unlimited-approval'] },
      nowMs: Date.now(),
    });
    assert.equal(d.decision.outcome, 'block');
    assert.equal(d.decision.ruleId, 'block-high-risk');
    assert.equal(d.policyHash, stateHash(testState()));
  });

  it('collects approvals to a quorum, refuses replays onto another request, and a rejection ends it', () => {
    const policy = openPolicy();
    // The coordinator's clock a little after the approvers signed.
    const now = Date.now() + 5000;
    const facts = (value: bigint) =>
      policyRequestOf({
        request: signedTx({ vaultId: 'treasury', transaction: tx({ value: value.toString() }) }),
        initiators: VAULT.initiators,
      });
    const a = policy.decide({ request: facts(5n * ONE_ETH), intent: SAFE, nowMs: now });
    const b = policy.decide({ request: facts(6n * ONE_ETH), intent: SAFE, nowMs: now });
    assert.equal(a.decision.outcome, 'require_approvals');
    const bindA = policy.binding(a);
    const bindB = policy.binding(b);

    const first = policy.submitApproval({
      requestId: a.requestId,
      approval: approval(bindA, 'carol'),
      nowMs: now,
    });
    assert.equal(first.quorum.status, 'pending');
    // The same statement again: idempotent, not a second vote.
    const again = policy.submitApproval({
      requestId: a.requestId,
      approval: first.approval.signed,
      nowMs: now,
    });
    assert.equal(again.recorded, false);
    assert.equal(policy.store.approvals(a.requestId).length, 1);
    // Carol's approval of A replayed onto B.
    assert.throws(
      () => policy.submitApproval({ requestId: b.requestId, approval: first.approval.signed, nowMs: now }),
      (e: ApprovalRefusedError) => e.code === 'APPROVAL_MISMATCH',
    );
    // Not in the finance group: recorded but does not count.
    assert.equal(
      policy.submitApproval({ requestId: a.requestId, approval: approval(bindA, 'mallory'), nowMs: now })
        .quorum.status,
      'pending',
    );
    // A forged signature.
    const forged = approval(bindA, 'dave');
    forged.signature = approval(bindB, 'dave').signature;
    assert.throws(
      () => policy.submitApproval({ requestId: a.requestId, approval: forged, nowMs: now }),
      (e: ApprovalRefusedError) => e.code === 'BAD_SIGNATURE',
    );
    const done = policy.submitApproval({
      requestId: a.requestId,
      approval: approval(bindA, 'dave'),
      nowMs: now,
    });
    assert.equal(done.quorum.status, 'satisfied');
    const gate = new PreSignGate({ policy, intent: null });
    assert.equal(gate.approvalRoute(a.requestId, now)?.route, 'approved');
    const claims = gate.claims(a.requestId);
    assert.equal(claims.policyHash, `0x${a.policyHash}`);
    assert.equal(claims.approvals?.length, 3);

    // B: carol approves, erin rejects → rejected.
    policy.submitApproval({ requestId: b.requestId, approval: approval(bindB, 'carol'), nowMs: now });
    const rejected = policy.submitApproval({
      requestId: b.requestId,
      approval: approval(bindB, 'erin', 'reject'),
      nowMs: now,
    });
    assert.equal(rejected.quorum.status, 'rejected');
    assert.deepEqual(rejected.quorum.rejectedBy, ['erin']);
    // After the window: expired.
    assert.equal(gate.approvalRoute(a.requestId, now + 2 * 3_600_000)?.route, 'expired');
  });

  it('refuses approvals for a request that needs none', () => {
    const policy = openPolicy();
    const d = policy.decide({
      request: policyRequestOf({
        request: signedTx({ vaultId: 'treasury', transaction: tx() }),
        initiators: VAULT.initiators,
      }),
      intent: SAFE,
      nowMs: Date.now(),
    });
    assert.throws(
      () =>
        policy.submitApproval({
          requestId: d.requestId,
          approval: approval(policy.binding(d), 'carol'),
          nowMs: Date.now(),
        }),
      (e: ApprovalRefusedError) => e.code === 'APPROVALS_NOT_REQUIRED',
    );
  });

  it('applies an admin-signed change, persists it, and replays it on reopen', () => {
    const db = new DatabaseSync(':memory:');
    const policy = openPolicy(db);
    const now = Date.now();
    const head = { version: 1, hash: policy.headHash, activatedAt: 0, state: policy.head };
    const raised = testPolicy({ version: 2 });
    const admins = ['frank', 'grace'].map((id) => ({
      userId: id,
      keyId: `${id}-key`,
      secretKey: secretKeyOf(id),
    }));
    // One admin is below the quorum of two.
    assert.throws(
      () =>
        policy.applyChange(
          signChange({ head, ops: [{ op: 'set_policy', policy: raised }], admins: admins.slice(0, 1), now }),
          now,
        ),
      /quorum|signature/i,
    );
    const signed = signChange({ head, ops: [{ op: 'set_policy', policy: raised }], admins, now });
    const next = policy.applyChange(signed, now);
    assert.equal(next.version, 2);
    // Replaying the same change: BASE_MISMATCH.
    assert.throws(() => policy.applyChange(signed, now), /base/i);
    const reopened = CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis() });
    assert.equal(reopened.head.version, 2);
    assert.equal(reopened.headHash, policy.headHash);
  });
});
