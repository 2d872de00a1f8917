// Governance: genesis signed by its own admin quorum; changes need the quorum of the state they
// change, name their base, activate at a signed instant, chain by hash; nodes reject the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChange, GovernanceHistory, PolicyError, stateHash, verifyGenesis } from '../src/index.ts';
import { allow, change, doc, genesis, signChange, signGenesis, T0 } from './fixtures.ts';

const policy1 = doc([allow('all')]);
const policy2 = {
  ...doc([{ id: 'none', when: {}, action: { type: 'block', reason: 'frozen' } }]),
  version: 2,
};
const g = genesis(policy1, 2);
const NOW = T0;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e.code;
    throw e;
  }
  return 'OK';
}

describe('genesis', () => {
  it('verifies with the admin quorum', () => {
    assert.deepEqual(verifyGenesis(signGenesis(g, ['frank', 'grace'])), g);
  });
  it('refuses too few admins, non-admins and duplicate signers', () => {
    assert.equal(
      code(() => verifyGenesis(signGenesis(g, ['frank']))),
      'INSUFFICIENT_SIGNATURES',
    );
    assert.equal(
      code(() => verifyGenesis(signGenesis(g, ['frank', 'carol']))),
      'INSUFFICIENT_SIGNATURES',
    );
    assert.equal(
      code(() => verifyGenesis(signGenesis(g, ['frank', 'frank']))),
      'INSUFFICIENT_SIGNATURES',
    );
  });
  it('refuses a tampered genesis', () => {
    const s = signGenesis(g, ['frank', 'grace']);
    assert.equal(
      code(() => verifyGenesis({ ...s, state: { ...s.state, adminQuorum: { threshold: 1 } } })),
      'INSUFFICIENT_SIGNATURES',
    );
  });
  it('refuses an inconsistent genesis (quorum above the number of admins)', () => {
    const bad = genesis(policy1, 4);
    assert.equal(
      code(() => verifyGenesis(signGenesis(bad, ['frank', 'grace', 'heidi']))),
      'INVALID_STATE',
    );
  });
});

describe('changes', () => {
  const setPolicy = change(g, [{ op: 'set_policy', policy: policy2 }]);
  it('a change signed by the quorum produces the next, hash-linked version', () => {
    const next = applyChange({ state: g, signed: signChange(setPolicy, ['frank', 'heidi']), now: NOW });
    assert.equal(next.version, 2);
    assert.equal(next.previousHash, stateHash(g));
    assert.equal(next.activatedAt, setPolicy.activatesAt);
    assert.equal(next.policy.rules[0]!.id, 'none');
    assert.equal(g.version, 1, 'the base state is not mutated');
  });
  it('a policy signed by too few admins is rejected', () => {
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(setPolicy, ['frank']), now: NOW })),
      'INSUFFICIENT_SIGNATURES',
    );
  });
  it('signatures of non-admins and repeated signatures do not count', () => {
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(setPolicy, ['frank', 'carol']), now: NOW })),
      'INSUFFICIENT_SIGNATURES',
    );
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(setPolicy, ['grace', 'grace']), now: NOW })),
      'INSUFFICIENT_SIGNATURES',
    );
  });
  it('a tampered policy is rejected', () => {
    const signed = signChange(setPolicy, ['frank', 'grace']);
    const tampered = structuredClone(signed);
    const op = tampered.change.ops[0]!;
    if (op.op === 'set_policy') op.policy.rules[0] = allow('everything');
    assert.equal(
      code(() => applyChange({ state: g, signed: tampered, now: NOW })),
      'INSUFFICIENT_SIGNATURES',
    );
  });
  it('a change for another base version or hash is rejected, so it cannot be replayed', () => {
    const next = applyChange({ state: g, signed: signChange(setPolicy, ['frank', 'grace']), now: NOW });
    assert.equal(
      code(() => applyChange({ state: next, signed: signChange(setPolicy, ['frank', 'grace']), now: NOW })),
      'BASE_MISMATCH',
    );
    const wrongHash = change(g, setPolicy.ops, { baseHash: '0'.repeat(64) });
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(wrongHash, ['frank', 'grace']), now: NOW })),
      'BASE_MISMATCH',
    );
  });
  it('a policy version must increase', () => {
    const same = change(g, [{ op: 'set_policy', policy: policy1 }]);
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(same, ['frank', 'grace']), now: NOW })),
      'INVALID_CHANGE',
    );
  });
  it('activation must be after the base and not retroactive; expired proposals are refused', () => {
    const early = change(g, setPolicy.ops, { activatesAt: g.activatedAt });
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(early, ['frank', 'grace']), now: NOW })),
      'ACTIVATION_INVALID',
    );
    const past = change(g, setPolicy.ops, { activatesAt: NOW - 600_000 });
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(past, ['frank', 'grace']), now: NOW })),
      'ACTIVATION_INVALID',
    );
    assert.equal(
      applyChange({ state: g, signed: signChange(past, ['frank', 'grace']), now: NOW, replay: true }).version,
      2,
    );
    assert.equal(
      code(() =>
        applyChange({
          state: g,
          signed: signChange(setPolicy, ['frank', 'grace']),
          now: setPolicy.expiresAt + 1,
        }),
      ),
      'ACTIVATION_INVALID',
    );
  });
  it('address book, user, group and quorum changes are governed too', () => {
    const c = change(g, [
      {
        op: 'upsert_address',
        entry: {
          id: 'new-venue',
          chain: 'eip155:1',
          address: '0x3333333333333333333333333333333333333333',
          groups: ['venues'],
        },
      },
      { op: 'remove_address', id: 'cold-storage' },
      {
        op: 'upsert_user',
        user: {
          id: 'ivan',
          roles: ['admin'],
          keys: [{ id: 'ivan-key', type: 'ed25519', publicKey: '11'.repeat(32) }],
        },
      },
      { op: 'upsert_group', group: { id: 'security', members: ['dave', 'erin', 'ivan'] } },
      { op: 'set_admin_quorum', threshold: 3 },
    ]);
    const next = applyChange({ state: g, signed: signChange(c, ['grace', 'heidi']), now: NOW });
    assert.deepEqual(
      next.addressBook.map((e) => e.id),
      ['binance-hot', 'new-venue'],
    );
    assert.equal(next.adminQuorum.threshold, 3);
    // the next change needs the new quorum of 3
    const c2 = change(next, [{ op: 'remove_address', id: 'new-venue' }], { activatesAt: T0 + 120_000 });
    assert.equal(
      code(() => applyChange({ state: next, signed: signChange(c2, ['grace', 'heidi']), now: NOW })),
      'INSUFFICIENT_SIGNATURES',
    );
    assert.equal(
      applyChange({ state: next, signed: signChange(c2, ['frank', 'grace', 'heidi']), now: NOW }).version,
      3,
    );
  });
  it('a change that would leave the state inconsistent is refused', () => {
    const lockout = change(g, [{ op: 'set_admin_quorum', threshold: 5 }]);
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(lockout, ['frank', 'grace']), now: NOW })),
      'INVALID_STATE',
    );
    const danglingGroup = change(g, [
      {
        op: 'set_policy',
        policy: {
          ...policy2,
          rules: [
            {
              id: 'q',
              when: {},
              action: {
                type: 'require_approvals',
                mode: 'all',
                groups: [{ group: 'ghosts', threshold: 1 }],
                expiresInSeconds: 600,
              },
            },
          ],
        },
      },
    ]);
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(danglingGroup, ['frank', 'grace']), now: NOW })),
      'INVALID_STATE',
    );
    const unknownRemove = change(g, [{ op: 'remove_user', id: 'nobody' }]);
    assert.equal(
      code(() => applyChange({ state: g, signed: signChange(unknownRemove, ['frank', 'grace']), now: NOW })),
      'INVALID_CHANGE',
    );
  });
  it('malformed changes are refused with INVALID_CHANGE', () => {
    assert.equal(
      code(() =>
        applyChange({ state: g, signed: { change: { ...setPolicy, ops: [] }, signatures: [] }, now: NOW }),
      ),
      'INVALID_CHANGE',
    );
    assert.equal(
      code(() => applyChange({ state: g, signed: null, now: NOW })),
      'INVALID_CHANGE',
    );
  });
});

describe('history: requests use the state active at their submission', () => {
  it('activeAt picks by submission time', () => {
    const h = new GovernanceHistory(verifyGenesis(signGenesis(g, ['frank', 'grace'])));
    const c = change(g, [{ op: 'set_policy', policy: policy2 }]);
    const v2 = h.apply(signChange(c, ['frank', 'grace']), NOW);
    assert.equal(h.activeAt(g.activatedAt - 1), null);
    assert.equal(h.activeAt(c.activatesAt - 1)?.version, 1);
    assert.equal(h.activeAt(c.activatesAt)?.version, 2);
    assert.equal(h.head, v2);
    assert.equal(h.byHash(stateHash(g))?.version, 1);
    assert.equal(h.headHash, stateHash(v2));
  });
});
