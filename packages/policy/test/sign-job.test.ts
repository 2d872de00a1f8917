// The node-side check of a sign job: three nodes, each with its own accepted governed state
// and its own velocity ledger, verify what an untrusted coordinator relays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSignJob,
  compileState,
  type Decision,
  evaluate,
  GovernanceHistory,
  intentDigest,
  MemoryLedger,
  type PolicyRequest,
  parsePriceSnapshot,
  requestDigest,
  type SignJobVerdict,
  verifyGenesis,
} from '../src/index.ts';
import {
  approve,
  change,
  doc,
  ETH,
  genesis,
  ONE_ETH,
  request,
  SAFE_INTENT,
  signChange,
  signGenesis,
  T0,
} from './fixtures.ts';
import { passkeyUser, webauthnApproval } from './passkey.ts';

const policy = doc([
  {
    id: 'block-risky',
    when: { intent: { minRiskLevel: 'high' } },
    action: { type: 'block', reason: 'high risk' },
  },
  {
    id: 'large',
    when: { amount: { gt: (10n * ONE_ETH).toString() } },
    action: {
      type: 'require_approvals',
      mode: 'all',
      groups: [
        { group: 'finance', threshold: 2 },
        { group: 'security', threshold: 1 },
      ],
      expiresInSeconds: 3600,
    },
  },
  {
    id: 'small',
    when: {
      amount: { lte: (10n * ONE_ETH).toString() },
      velocity: [{ scope: 'vault', metric: 'count', windowSeconds: 3600, lte: '3' }],
    },
    action: { type: 'allow' },
  },
]);
const g = genesis(policy);
const prices = parsePriceSnapshot({ prices: { [ETH.id]: { usd: '3000', at: T0 } } });

/** A signer node that accepted `state` (by default the genesis) and has an empty ledger. */
function node(state = g) {
  return {
    states: new GovernanceHistory(verifyGenesis(signGenesis(state, ['frank', 'grace']))),
    ledger: new MemoryLedger(),
  };
}

/** What an honest coordinator computes and relays (under `state`, by default the genesis). */
function honestJob(r: PolicyRequest, state = g) {
  const compiled = compileState(state);
  const decision = evaluate(compiled, {
    request: r,
    intent: SAFE_INTENT,
    ledger: new MemoryLedger(),
    prices,
    now: r.submittedAt,
  });
  const binding = {
    requestId: r.id,
    requestDigest: requestDigest(r),
    intentDigest: intentDigest(SAFE_INTENT),
    policyHash: compiled.policyHash,
  };
  return { decision, binding, policyHash: compiled.policyHash };
}

function check(
  n: ReturnType<typeof node>,
  r: PolicyRequest,
  claim: { policyHash: string; decision: unknown; approvals: unknown[] },
  now = T0 + 5000,
): SignJobVerdict {
  return checkSignJob({
    states: n.states,
    ledger: n.ledger,
    request: r,
    intent: SAFE_INTENT,
    prices,
    claim,
    now,
  });
}

const nodes = [node(), node(), node()];
const small = request({ id: 'small-1' });
const large = request({ id: 'large-1', amount: 50n * ONE_ETH });

function everyNode(r: PolicyRequest, claim: Parameters<typeof check>[2], now?: number): SignJobVerdict[] {
  return nodes.map((n) => check(n, r, claim, now));
}

function refusedWith(verdicts: SignJobVerdict[], code: string): void {
  for (const v of verdicts) {
    assert.equal(v.ok, false, 'every node must refuse');
    if (!v.ok) {
      assert.equal(v.refusal.code, code, v.refusal.message);
      assert.ok(v.refusal.message.length > 10, 'the refusal explains itself to the initiator');
    }
  }
}

describe('sign jobs', () => {
  it('an honest allow is accepted by every node', () => {
    const { decision, policyHash } = honestJob(small);
    for (const v of everyNode(small, { policyHash, decision, approvals: [] })) {
      assert.equal(v.ok, true);
      if (v.ok) assert.equal(v.ledgerEntry.requestId, 'small-1');
    }
  });
  it('a forged allow is refused by every node', () => {
    const { decision, policyHash } = honestJob(large);
    assert.equal(decision.outcome, 'require_approvals');
    const forged: Decision = {
      ...decision,
      outcome: 'allow',
      code: 'RULE_ALLOW',
      approvals: null,
      ruleId: 'small',
      ruleIndex: 2,
    };
    const vs = everyNode(large, { policyHash, decision: forged, approvals: [] });
    refusedWith(vs, 'DECISION_MISMATCH');
    assert.ok(!vs[0]!.ok && vs[0]!.refusal.ownDecision?.outcome === 'require_approvals');
  });
  it('an allow claimed by a rule id that does not exist is refused', () => {
    const { decision, policyHash } = honestJob(small);
    refusedWith(
      everyNode(small, { policyHash, decision: { ...decision, ruleId: 'vip' }, approvals: [] }),
      'DECISION_MISMATCH',
    );
  });
  it('a malformed claimed decision is refused', () => {
    const { policyHash } = honestJob(small);
    refusedWith(
      everyNode(small, { policyHash, decision: { outcome: 'allow' }, approvals: [] }),
      'MALFORMED_JOB',
    );
  });
  it('a missing approval is refused', () => {
    const { decision, binding, policyHash } = honestJob(large);
    refusedWith(
      everyNode(large, {
        policyHash,
        decision,
        approvals: [approve('carol', binding), approve('erin', binding)],
      }),
      'APPROVALS_MISSING',
    );
  });
  it('the full quorum is accepted', () => {
    const { decision, binding, policyHash } = honestJob(large);
    const approvals = [approve('carol', binding), approve('dave', binding), approve('erin', binding)];
    for (const v of everyNode(large, { policyHash, decision, approvals })) {
      assert.equal(v.ok, true, v.ok ? '' : v.refusal.message);
      if (v.ok) assert.equal(v.quorum?.status, 'satisfied');
    }
  });
  it('an approval replayed from another request is refused', () => {
    const other = request({ id: 'large-2', amount: 50n * ONE_ETH });
    const o = honestJob(other);
    const { decision, binding, policyHash } = honestJob(large);
    const approvals = [approve('carol', binding), approve('dave', binding), approve('erin', o.binding)];
    const vs = everyNode(large, { policyHash, decision, approvals });
    refusedWith(vs, 'APPROVAL_INVALID');
    assert.ok(!vs[0]!.ok && vs[0]!.refusal.approvalCode === 'APPROVAL_MISMATCH');
  });
  it('an approval for the same id but different request content is refused', () => {
    const { decision, binding, policyHash } = honestJob(large);
    const swapped = { ...large, destination: { address: '0x9999999999999999999999999999999999999999' } };
    const approvals = [approve('carol', binding), approve('dave', binding), approve('erin', binding)];
    const vs = everyNode(swapped, { policyHash, decision, approvals });
    refusedWith(vs, 'APPROVAL_INVALID');
  });
  it('a rejection ends the request', () => {
    const { decision, binding, policyHash } = honestJob(large);
    const approvals = [
      approve('carol', binding),
      approve('dave', binding),
      approve('erin', binding, { decision: 'reject' }),
    ];
    refusedWith(everyNode(large, { policyHash, decision, approvals }), 'APPROVAL_REJECTED');
  });
  it('approvals after the expiry are refused', () => {
    const { decision, binding, policyHash } = honestJob(large);
    const approvals = [approve('carol', binding), approve('dave', binding), approve('erin', binding)];
    refusedWith(everyNode(large, { policyHash, decision, approvals }, T0 + 3_600_001), 'APPROVALS_EXPIRED');
  });
  it('a blocked request is refused even when the claim agrees', () => {
    const r = request({ id: 'risky' });
    const compiled = compileState(g);
    const risky = {
      status: 'simulated' as const,
      riskLevel: 'critical' as const,
      findingIds: ['proxy-upgrade'],
    };
    const decision = evaluate(compiled, {
      request: r,
      intent: risky,
      ledger: new MemoryLedger(),
      prices,
      now: r.submittedAt,
    });
    const v = checkSignJob({
      states: nodes[0]!.states,
      ledger: nodes[0]!.ledger,
      request: r,
      intent: risky,
      prices,
      claim: { policyHash: compiled.policyHash, decision, approvals: [] },
      now: T0 + 1,
    });
    assert.ok(!v.ok && v.refusal.code === 'BLOCKED' && /high risk/.test(v.refusal.message));
  });
  it('a stale policy is refused after a governed change', () => {
    const n = node();
    const c = change(
      g,
      [{ op: 'set_policy', policy: { ...policy, version: 2, rules: policy.rules.slice(0, 2) } }],
      { activatesAt: T0 + 1000 },
    );
    n.states.apply(signChange(c, ['frank', 'grace']), T0);
    const r = request({ id: 'after-change', submittedAt: T0 + 2000 });
    const { decision, policyHash } = honestJob(r); // decided under the old policy
    const v = check(n, r, { policyHash, decision, approvals: [] }, T0 + 3000);
    assert.ok(!v.ok && v.refusal.code === 'POLICY_HASH_MISMATCH', JSON.stringify(v));
    // a request submitted before activation is still evaluated under the old state
    const before = request({ id: 'before-change', submittedAt: T0 + 999 });
    const h = honestJob(before);
    assert.equal(
      check(n, before, { policyHash: h.policyHash, decision: h.decision, approvals: [] }, T0 + 3000).ok,
      true,
    );
  });
  it('a node uses its own velocity ledger', () => {
    const n = node();
    for (let i = 0; i < 3; i++) n.ledger.record({ ...honestLedgerEntry(i) });
    const { decision, policyHash } = honestJob(small); // the coordinator ignored the history
    const v = check(n, small, { policyHash, decision, approvals: [] });
    assert.ok(!v.ok && v.refusal.code === 'DECISION_MISMATCH');
  });
  it('requests from the future, before genesis or allowed long ago are refused', () => {
    const n = node();
    const future = request({ id: 'f', submittedAt: T0 + 120_000 });
    const hf = honestJob(future);
    assert.ok(!check(n, future, { policyHash: hf.policyHash, decision: hf.decision, approvals: [] }, T0).ok);
    const ancient = request({ id: 'a', submittedAt: g.activatedAt - 1 });
    const ha = honestJob(ancient);
    const va = check(n, ancient, { policyHash: ha.policyHash, decision: ha.decision, approvals: [] });
    assert.ok(!va.ok && va.refusal.code === 'NO_ACTIVE_POLICY');
    const { decision, policyHash } = honestJob(small);
    const vo = check(n, small, { policyHash, decision, approvals: [] }, T0 + 3_600_001);
    assert.ok(!vo.ok && vo.refusal.code === 'REQUEST_TOO_OLD');
  });
});

describe('sign jobs with passkey approvals', () => {
  it('WebAuthn (ES256) approvals count toward the quorum; a passkey approval for another request does not', () => {
    const state = genesis(policy);
    state.users.push(passkeyUser('ES256', {}, 'pat'));
    state.groups.find((x) => x.id === 'security')!.members.push('pat');
    const n = node(state);
    const r = request({ id: 'passkey-1', amount: 50n * ONE_ETH });
    const { decision, binding, policyHash } = honestJob(r, state);
    const statement = (b: typeof binding) => ({
      format: 'cairn.approval/v1' as const,
      ...b,
      decision: 'approve' as const,
      approverId: 'pat',
      keyId: 'pat-passkey',
      at: T0 + 1000,
      expiresAt: T0 + 3_600_000,
    });
    const claim = (patApproval: unknown) => ({
      policyHash,
      decision,
      approvals: [approve('carol', binding), approve('dave', binding), patApproval],
    });
    const ok = check(n, r, claim(webauthnApproval(statement(binding))));
    assert.equal(ok.ok, true, ok.ok ? '' : ok.refusal.message);
    const other = { ...binding, requestId: 'passkey-2' };
    const replay = check(n, r, claim(webauthnApproval(statement(other))));
    assert.ok(!replay.ok && replay.refusal.code === 'APPROVAL_INVALID');
  });
});

function honestLedgerEntry(i: number) {
  return {
    requestId: `old-${i}`,
    at: T0 - 1000 * (i + 1),
    vaultId: 'vault-treasury',
    initiator: 'bob',
    destination: null,
    asset: null,
    amount: 0n,
    usdMicros: 0n,
  };
}
