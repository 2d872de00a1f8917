// NodePolicy: what a signer node embeds. Untrusted JSON in, typed verdicts out, durable ledger.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  compileState,
  evaluate,
  MemoryLedger,
  NodePolicy,
  PolicyError,
  parsePolicyRequest,
  requestToJson,
} from '../src/index.ts';
import { change, doc, ETH, genesis, request, SAFE_INTENT, signChange, signGenesis, T0 } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cairn-node-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const policy = doc([
  {
    id: 'small',
    when: { velocity: [{ scope: 'vault', metric: 'count', windowSeconds: 3600, lte: '2' }] },
    action: { type: 'allow' },
  },
]);
const g = genesis(policy);
const signedGenesis = signGenesis(g, ['frank', 'grace']);
const prices = { prices: { [ETH.id]: { usd: '3000', at: new Date(T0).toISOString() } } };

function job(id: string, submittedAt: number, state = g) {
  const r = request({ id, submittedAt });
  const decision = evaluate(compileState(state), {
    request: r,
    intent: SAFE_INTENT,
    ledger: new MemoryLedger(),
    now: submittedAt,
  });
  return {
    request: JSON.parse(JSON.stringify(requestToJson(r))),
    intent: SAFE_INTENT,
    prices,
    claim: { policyHash: decision.policyHash, decision, approvals: [] },
  };
}

describe('NodePolicy', () => {
  it('checks jobs, records signed requests durably, and enforces velocity after a restart', () => {
    const ledgerPath = join(dir, 'ledger.db');
    const a = NodePolicy.open({ genesis: signedGenesis, ledgerPath });
    for (const [i, at] of [T0, T0 + 1000].entries()) {
      const v = a.check(job(`r${i}`, at), at + 10);
      assert.equal(v.ok, true, v.ok ? '' : v.refusal.message);
      if (v.ok) a.recordSigned(v);
    }
    // restart: the ledger is reopened from disk; a third request within the hour exceeds the limit
    const b = NodePolicy.open({ genesis: signedGenesis, ledgerPath });
    const v = b.check(job('r3', T0 + 2000), T0 + 2010);
    assert.ok(!v.ok && v.refusal.code === 'DECISION_MISMATCH' && v.refusal.ownDecision?.outcome === 'block');
  });
  it('replays accepted changes on open and refuses jobs decided under the old policy', () => {
    const c = change(g, [{ op: 'set_policy', policy: { ...policy, version: 2, rules: [] } }]);
    const signed = signChange(c, ['frank', 'heidi']);
    const n = NodePolicy.open({ genesis: signedGenesis, changes: [signed] });
    assert.equal(n.head.version, 2);
    const later = c.activatesAt + 1;
    const v = n.check(job('late', later), later + 10);
    assert.ok(!v.ok && v.refusal.code === 'POLICY_HASH_MISMATCH');
    assert.equal(n.compiledHead().rules.length, 0);
  });
  it('refuses to start on an unverifiable genesis or change', () => {
    assert.throws(() => NodePolicy.open({ genesis: signGenesis(g, ['frank']) }), PolicyError);
    const c = change(g, [{ op: 'set_admin_quorum', threshold: 3 }]);
    assert.throws(
      () => NodePolicy.open({ genesis: signedGenesis, changes: [signChange(c, ['frank'])] }),
      PolicyError,
    );
  });
  it('turns malformed jobs into MALFORMED_JOB refusals, never exceptions', () => {
    const n = NodePolicy.open({ genesis: signedGenesis });
    const good = job('x', T0);
    for (const bad of [
      { ...good, request: { ...good.request, amount: 1.5 } },
      { ...good, intent: { status: 'fine' } },
      { ...good, prices: { prices: { x: { usd: 'lots', at: 0 } } } },
      { ...good, claim: null as never },
      { ...good, claim: { ...good.claim, decision: 'allow' } },
    ]) {
      const v = n.check(bad, T0 + 10);
      assert.ok(!v.ok && v.refusal.code === 'MALFORMED_JOB', JSON.stringify(v));
    }
    assert.equal(parsePolicyRequest(good.request).id, 'x');
  });
});
