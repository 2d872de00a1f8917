// Shared builders for the policy tests: deterministic keys, a small organisation, requests.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type AdminSignature,
  type ApprovalStatement,
  approvalDigest,
  type Change,
  changeDigest,
  compilePolicy,
  type CompiledPolicy,
  type GovernedState,
  genesisDigest,
  type IntentFacts,
  parsePolicyDocument,
  type PolicyContext,
  type PolicyDocument,
  type PolicyRequest,
  type Rule,
  type SignedApproval,
  signEd25519,
  STATE_FORMAT,
  stateHash,
  type User,
} from '../src/index.ts';

export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0); // Monday 2026-11-23 12:00 UTC

export function secretKeyOf(name: string): Uint8Array {
  return sha256(utf8ToBytes(`cairn-test-key:${name}`));
}

export function publicKeyOf(name: string): string {
  return bytesToHex(ed25519.getPublicKey(secretKeyOf(name)));
}

export function user(id: string, roles: User['roles']): User {
  return { id, roles, keys: [{ id: `${id}-key`, type: 'ed25519', publicKey: publicKeyOf(id) }] };
}

export const USERS: User[] = [
  user('alice', ['initiator', 'approver']),
  user('bob', ['initiator']),
  user('carol', ['approver']),
  user('dave', ['approver']),
  user('erin', ['approver']),
  user('frank', ['approver', 'admin']),
  user('grace', ['admin']),
  user('heidi', ['admin']),
];

export const CONTEXT: PolicyContext = {
  users: USERS,
  groups: [
    { id: 'traders', members: ['alice', 'bob'] },
    { id: 'finance', members: ['alice', 'carol', 'dave'] },
    { id: 'security', members: ['dave', 'erin'] },
    { id: 'admins', members: ['frank', 'grace', 'heidi'] },
  ],
  addressBook: [
    {
      id: 'binance-hot',
      chain: 'eip155:1',
      address: '0xAbCdEf0000000000000000000000000000000001',
      groups: ['exchanges'],
    },
    {
      id: 'cold-storage',
      chain: 'eip155:1',
      address: '0x00000000000000000000000000000000000000c0',
      groups: ['internal'],
    },
  ],
};

export const ETH = { id: 'eip155:1/slip44:60', decimals: 18, symbol: 'ETH' };
export const ONE_ETH = 10n ** 18n;

export function doc(rules: Rule[], extra: Partial<PolicyDocument> = {}): PolicyDocument {
  return parsePolicyDocument({
    format: 'cairn.policy/v1',
    version: 1,
    name: 'test',
    timezone: 'UTC',
    pricing: { maxAgeSeconds: 300 },
    rules,
    ...extra,
  });
}

export function compile(rules: Rule[], extra: Partial<PolicyDocument> = {}): CompiledPolicy {
  return compilePolicy({ policy: doc(rules, extra), context: CONTEXT });
}

export function request(over: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    id: 'req-1',
    kind: 'transfer',
    initiator: 'bob',
    vault: { id: 'vault-treasury', tags: ['treasury'] },
    chain: 'eip155:1',
    asset: ETH,
    amount: ONE_ETH,
    destination: { address: '0xabcdef0000000000000000000000000000000001' },
    submittedAt: T0,
    ...over,
  };
}

export const SAFE_INTENT: IntentFacts = { status: 'simulated', riskLevel: 'low', findingIds: [] };

export const allow = (id: string, when: Rule['when'] = {}): Rule => ({ id, when, action: { type: 'allow' } });
export const block = (id: string, when: Rule['when'] = {}, reason = 'blocked by test'): Rule => ({
  id,
  when,
  action: { type: 'block', reason },
});

export function genesis(policy: PolicyDocument, threshold = 2): GovernedState {
  return {
    format: STATE_FORMAT,
    version: 1,
    previousHash: null,
    activatedAt: T0 - 86_400_000,
    policy,
    addressBook: CONTEXT.addressBook.map((e) => ({ ...e })),
    users: USERS.map((u) => structuredClone(u)),
    groups: CONTEXT.groups.map((g) => ({ ...g, members: [...g.members] })),
    adminQuorum: { threshold },
  };
}

export function adminSign(digest: Uint8Array, admins: string[]): AdminSignature[] {
  return admins.map((a) => ({
    adminId: a,
    keyId: `${a}-key`,
    signature: signEd25519(digest, secretKeyOf(a)),
  }));
}

export function signGenesis(state: GovernedState, admins: string[]) {
  return { state, signatures: adminSign(genesisDigest(state), admins) };
}

export function change(base: GovernedState, ops: Change['ops'], over: Partial<Change> = {}): Change {
  return {
    format: 'cairn.change/v1',
    baseVersion: base.version,
    baseHash: stateHash(base),
    activatesAt: T0 + 60_000,
    proposedBy: 'frank',
    proposedAt: T0,
    expiresAt: T0 + 86_400_000,
    ops,
    ...over,
  };
}

export function signChange(c: Change, admins: string[]) {
  return { change: c, signatures: adminSign(changeDigest(c), admins) };
}

export function approve(
  approver: string,
  binding: Pick<ApprovalStatement, 'requestId' | 'requestDigest' | 'intentDigest' | 'policyHash'>,
  over: Partial<ApprovalStatement> = {},
): SignedApproval {
  const statement: ApprovalStatement = {
    format: 'cairn.approval/v1',
    ...binding,
    decision: 'approve',
    approverId: approver,
    keyId: `${approver}-key`,
    at: T0 + 1000,
    expiresAt: T0 + 3_600_000,
    ...over,
  };
  return { statement, signature: signEd25519(approvalDigest(statement), secretKeyOf(approver)) };
}
