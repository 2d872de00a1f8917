// Approval statements: Ed25519 and WebAuthn (ES256 / EdDSA passkeys) signatures, binding to the
// request, intent and policy (no replay), roles, keys and time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { type ApprovalStatement, verifyApproval } from '../src/index.ts';
import { approve, T0, USERS } from './fixtures.ts';
import { type AssertionOptions, passkeyUser, webauthnApproval } from './passkey.ts';

const binding = {
  requestId: 'req-1',
  requestDigest: 'a'.repeat(64),
  intentDigest: 'b'.repeat(64),
  policyHash: 'c'.repeat(64),
};
const ctx = { users: USERS };
const NOW = T0 + 2000;

describe('Ed25519 approvals', () => {
  it('a valid approval verifies', () => {
    const v = verifyApproval({ approval: approve('carol', binding), binding, context: ctx, now: NOW });
    assert.equal(v.ok, true);
  });
  const problems: [string, () => unknown, string, number?][] = [
    [
      'replayed onto another request id',
      () => approve('carol', { ...binding, requestId: 'req-2' }),
      'APPROVAL_MISMATCH',
    ],
    [
      'replayed onto another request digest',
      () => approve('carol', { ...binding, requestDigest: 'd'.repeat(64) }),
      'APPROVAL_MISMATCH',
    ],
    [
      'bound to another intent',
      () => approve('carol', { ...binding, intentDigest: 'd'.repeat(64) }),
      'APPROVAL_MISMATCH',
    ],
    [
      'bound to another policy (stale)',
      () => approve('carol', { ...binding, policyHash: 'd'.repeat(64) }),
      'APPROVAL_MISMATCH',
    ],
    [
      'tampered: reject turned into approve',
      () => {
        const a = approve('carol', binding, { decision: 'reject' });
        return { ...a, statement: { ...a.statement, decision: 'approve' } };
      },
      'BAD_SIGNATURE',
    ],
    [
      'tampered: expiry extended',
      () => {
        const a = approve('carol', binding);
        return { ...a, statement: { ...a.statement, expiresAt: a.statement.expiresAt + 1 } };
      },
      'BAD_SIGNATURE',
    ],
    [
      'signed with another user key',
      () => {
        const a = approve('dave', binding);
        return { ...a, statement: { ...a.statement, approverId: 'carol', keyId: 'carol-key' } };
      },
      'BAD_SIGNATURE',
    ],
    ['unknown approver', () => approve('mallory', binding), 'UNKNOWN_APPROVER'],
    ['user without the approver role', () => approve('bob', binding), 'NOT_AN_APPROVER'],
    ['unknown key id', () => approve('carol', binding, { keyId: 'other' }), 'UNKNOWN_KEY'],
    ['expired', () => approve('carol', binding, { expiresAt: NOW - 1 }), 'APPROVAL_EXPIRED'],
    ['dated in the future', () => approve('carol', binding, { at: NOW + 1 }), 'APPROVAL_NOT_YET_VALID'],
    [
      'malformed',
      () => ({ statement: { format: 'cairn.approval/v1' }, signature: { type: 'ed25519', signature: '00' } }),
      'MALFORMED_APPROVAL',
    ],
    ['extra fields are refused', () => ({ ...approve('carol', binding), extra: 1 }), 'MALFORMED_APPROVAL'],
    ['not an object', () => 'approve', 'MALFORMED_APPROVAL'],
  ];
  for (const [name, make, code] of problems) {
    it(`refuses: ${name}`, () => {
      const v = verifyApproval({ approval: make(), binding, context: ctx, now: NOW });
      assert.equal(v.ok, false);
      if (!v.ok) assert.equal(v.code, code, v.message);
    });
  }
  it('expiry boundary: valid at exactly expiresAt', () => {
    const a = approve('carol', binding, { expiresAt: NOW });
    assert.equal(verifyApproval({ approval: a, binding, context: ctx, now: NOW }).ok, true);
    assert.equal(verifyApproval({ approval: a, binding, context: ctx, now: NOW + 1 }).ok, false);
  });
});

// WebAuthn assertions are built in ./passkey.ts exactly as a browser authenticator would.
const ORIGIN = 'https://console.cairn.example';

const stmt: ApprovalStatement = {
  format: 'cairn.approval/v1',
  ...binding,
  decision: 'approve',
  approverId: 'pat',
  keyId: 'pat-passkey',
  at: T0 + 1000,
  expiresAt: T0 + 3_600_000,
};

describe('WebAuthn (passkey) approvals', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`a valid ${alg} assertion verifies`, () => {
      const v = verifyApproval({
        approval: webauthnApproval(stmt, { alg }),
        binding,
        context: { users: [passkeyUser(alg)] },
        now: NOW,
      });
      assert.equal(v.ok, true, v.ok ? '' : v.message);
    });
  }
  it('accepts a high-S ES256 signature (authenticators do not normalize)', () => {
    const v = verifyApproval({
      approval: webauthnApproval(stmt, { highS: true }),
      binding,
      context: { users: [passkeyUser('ES256')] },
      now: NOW,
    });
    assert.equal(v.ok, true, v.ok ? '' : v.message);
  });
  it('accepts UP without UV when the key does not require user verification', () => {
    const users = [passkeyUser('ES256', { requireUserVerification: false })];
    const v = verifyApproval({
      approval: webauthnApproval(stmt, { flags: 0x01 }),
      binding,
      context: { users },
      now: NOW,
    });
    assert.equal(v.ok, true);
  });
  const bad: [string, AssertionOptions, RegExp][] = [
    ['a registration (webauthn.create)', { type: 'webauthn.create' }, /webauthn.get/],
    ['a challenge of another statement', { challenge: sha256(utf8ToBytes('other')) }, /challenge/],
    ['another origin', { origin: 'https://evil.example' }, /origin/],
    ['the console origin over plain http', { origin: ORIGIN.replace('https', 'http') }, /origin/],
    ['another relying party', { rpId: 'evil.example' }, /rpIdHash/],
    ['user not present', { flags: 0x04 }, /user-present/],
    ['user not verified', { flags: 0x01 }, /user-verified/],
    ['a cross-origin iframe', { crossOrigin: true }, /cross-origin/],
    ['a corrupted ES256 signature', { mutateSignature: true }, /signature/],
    ['a corrupted EdDSA signature', { alg: 'EdDSA', mutateSignature: true }, /signature/],
  ];
  for (const [name, o, re] of bad) {
    it(`refuses ${name}`, () => {
      const v = verifyApproval({
        approval: webauthnApproval(stmt, o),
        binding,
        context: { users: [passkeyUser(o.alg ?? 'ES256')] },
        now: NOW,
      });
      assert.equal(v.ok, false);
      if (!v.ok) {
        assert.equal(v.code, 'BAD_SIGNATURE');
        assert.match(v.message, re);
      }
    });
  }
  it('refuses a statement modified after the assertion', () => {
    const a = webauthnApproval(stmt);
    const tampered = { ...a, statement: { ...a.statement, expiresAt: a.statement.expiresAt + 1000 } };
    const v = verifyApproval({
      approval: tampered,
      binding,
      context: { users: [passkeyUser('ES256')] },
      now: NOW,
    });
    assert.equal(v.ok, false);
  });
  it('refuses an ES256 assertion checked against an EdDSA key and vice versa', () => {
    const v = verifyApproval({
      approval: webauthnApproval(stmt, { alg: 'ES256' }),
      binding,
      context: { users: [passkeyUser('EdDSA')] },
      now: NOW,
    });
    assert.equal(v.ok, false);
  });
  it('refuses an Ed25519 API-key signature for a passkey and malformed base64url', () => {
    const a = webauthnApproval(stmt);
    const v1 = verifyApproval({
      approval: { ...a, signature: { ...a.signature, clientDataJSON: 'not base64url!' } },
      binding,
      context: { users: [passkeyUser('ES256')] },
      now: NOW,
    });
    assert.equal(v1.ok, false);
    const v2 = verifyApproval({
      approval: { statement: stmt, signature: { type: 'ed25519', signature: '00'.repeat(64) } },
      binding,
      context: { users: [passkeyUser('ES256')] },
      now: NOW,
    });
    assert.equal(v2.ok, false);
  });
});
