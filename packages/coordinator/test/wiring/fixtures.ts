// Shared builders of the wiring tests: deterministic user keys, a small organisation and a
// governed state whose policy blocks high risk, allows small native transfers, and sends larger
// transfers, contract calls and token approvals for approval by two of the finance group.
import type { EvmTransaction } from '@cairn/chains';
import { publicKeyOf as nodePublicKeyOf, type SignedRequest } from '@cairn/node';
import {
  type AdminSignature,
  type ApprovalStatement,
  APPROVAL_FORMAT,
  type Change,
  changeDigest,
  type GovernedState,
  genesisDigest,
  parsePolicyDocument,
  type PolicyDocument,
  type SignedApproval,
  STATE_FORMAT,
  signApprovalEd25519,
  signEd25519,
  type User,
} from '@cairn/policy';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { signedTransfer } from '../request-signing.ts';

export function secretKeyOf(name: string): Uint8Array {
  return sha256(utf8ToBytes(`cairn-wiring-test-key:${name}`));
}

export function userKeyHex(name: string): string {
  return bytesToHex(ed25519.getPublicKey(secretKeyOf(name)));
}

function user(id: string, roles: User['roles']): User {
  return { id, roles, keys: [{ id: `${id}-key`, type: 'ed25519', publicKey: userKeyHex(id) }] };
}

export const INITIATOR_ID = 'tester';
export const initiatorSecret = secretKeyOf(INITIATOR_ID);
export const initiatorPublicKey = nodePublicKeyOf(initiatorSecret);

export const ONE_ETH = 10n ** 18n;

export function testPolicy(over: Partial<PolicyDocument> = {}): PolicyDocument {
  return parsePolicyDocument({
    format: 'cairn.policy/v1',
    version: 1,
    name: 'wiring test',
    timezone: 'UTC',
    pricing: { maxAgeSeconds: 300 },
    rules: [
      {
        id: 'block-high-risk',
        when: { intent: { riskLevels: ['high', 'critical'] } },
        action: { type: 'block', reason: 'the simulated effect is high risk' },
      },
      {
        id: 'small-native',
        when: {
          kinds: ['transfer'],
          assets: ['eip155:31337/slip44:60'],
          amount: { lte: ONE_ETH.toString() },
        },
        action: { type: 'allow' },
      },
      {
        id: 'needs-finance',
        when: { kinds: ['transfer', 'contract_call', 'token_approval'] },
        action: {
          type: 'require_approvals',
          mode: 'all',
          initiatorMayApprove: false,
          expiresInSeconds: 3600,
          groups: [{ group: 'finance', threshold: 2 }],
        },
      },
    ],
    ...over,
  });
}

export function testState(policy: PolicyDocument = testPolicy(), activatedAt = 0): GovernedState {
  return {
    format: STATE_FORMAT,
    version: 1,
    previousHash: null,
    activatedAt,
    policy,
    addressBook: [],
    users: [
      user(INITIATOR_ID, ['initiator']),
      user('carol', ['approver']),
      user('dave', ['approver']),
      user('erin', ['approver']),
      user('mallory', ['approver']),
      user('frank', ['admin']),
      user('grace', ['admin']),
    ],
    groups: [
      { id: 'finance', members: ['carol', 'dave', 'erin'] },
      { id: 'outsiders', members: ['mallory'] },
    ],
    adminQuorum: { threshold: 2 },
  };
}

export function adminSign(digest: Uint8Array, admins: string[]): AdminSignature[] {
  return admins.map((a) => ({
    adminId: a,
    keyId: `${a}-key`,
    signature: signEd25519(digest, secretKeyOf(a)),
  }));
}

export function signedGenesis(state: GovernedState = testState()) {
  return { state, signatures: adminSign(genesisDigest(state), ['frank', 'grace']) };
}

export function signedChange(change: Change, admins = ['frank', 'grace']) {
  return { change, signatures: adminSign(changeDigest(change), admins) };
}

export function approval(
  binding: { requestId: string; requestDigest: string; intentDigest: string; policyHash: string },
  approver: string,
  decision: 'approve' | 'reject' = 'approve',
  now = Date.now(),
): SignedApproval {
  const statement: ApprovalStatement = {
    format: APPROVAL_FORMAT,
    ...binding,
    decision,
    approverId: approver,
    keyId: `${approver}-key`,
    at: now,
    expiresAt: now + 600_000,
  };
  return signApprovalEd25519(statement, secretKeyOf(approver));
}

/** A transfer request signed by the wiring tests' initiator, unless `key` says otherwise. */
export function signedTx(p: {
  vaultId: string;
  transaction: EvmTransaction;
  createdAt?: number;
  key?: Uint8Array;
}): SignedRequest {
  return signedTransfer({ ...p, key: p.key ?? initiatorSecret });
}

export function tx(over: Partial<EvmTransaction> = {}): EvmTransaction {
  return {
    type: 'eip1559',
    chainId: 31337,
    nonce: 0,
    to: '0x000000000000000000000000000000000000bEEF',
    value: '1000',
    data: '0x',
    gas: '21000',
    maxFeePerGas: '2000000000',
    maxPriorityFeePerGas: '1000000000',
    ...over,
  } as EvmTransaction;
}
