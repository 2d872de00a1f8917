// A small organisation for the node-wiring tests: deterministic keys, a signed genesis, signed
// changes and approvals, and the claims a coordinator attaches to a sign job (its decision,
// computed with the same pure evaluator on its own ledger).
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { initiatorIdOf, policyRequestFacts, type SignedRequest, type VaultRecord } from '@cairn/node';
import {
  type ApprovalStatement,
  approvalDigest,
  type Change,
  changeDigest,
  compileState,
  type Decision,
  evaluate,
  type GovernedState,
  genesisDigest,
  type IntentFacts,
  intentDigest,
  MemoryLedger,
  parsePolicyDocument,
  type PolicyDocument,
  requestDigest,
  type SignedApproval,
  STATE_FORMAT,
  signEd25519,
  stateHash,
  type User,
} from '@cairn/policy';

export const ONE_ETH = 10n ** 18n;
export const UNAVAILABLE: IntentFacts = { status: 'unavailable', riskLevel: 'unknown', findingIds: [] };

export const secretKeyOf = (name: string) => sha256(utf8ToBytes(`cairn-node-wiring-test:${name}`));
const user = (id: string, roles: User['roles']): User => ({
  id,
  roles,
  keys: [{ id: `${id}-key`, type: 'ed25519', publicKey: bytesToHex(ed25519.getPublicKey(secretKeyOf(id))) }],
});

/**
 * Rules: block high risk; small native transfers (≤ 1 ETH) and typed data are allowed; anything
 * else needs two approvals from finance. The fallback for unavailable intent is granted
 * explicitly (docs/policy.md §3 rule 3), so jobs without a simulation can be decided.
 */
export function policyDocument(version = 1, extraRules: unknown[] = []): PolicyDocument {
  return parsePolicyDocument({
    format: 'cairn.policy/v1',
    version,
    name: 'node wiring test',
    timezone: 'UTC',
    pricing: { maxAgeSeconds: 300 },
    rules: [
      ...extraRules,
      {
        id: 'block-risky',
        when: { intent: { riskLevels: ['high', 'critical'] } },
        action: { type: 'block', reason: 'high-risk effect' },
      },
      {
        id: 'small',
        when: {
          kinds: ['transfer'],
          amount: { lte: ONE_ETH.toString() },
          intent: { allowUnavailable: true },
        },
        action: { type: 'allow' },
      },
      { id: 'typed', when: { kinds: ['typed_data'] }, action: { type: 'allow' } },
      {
        id: 'large',
        when: { intent: { allowUnavailable: true } },
        action: {
          type: 'require_approvals',
          mode: 'all',
          initiatorMayApprove: false,
          expiresInSeconds: 3600,
          groups: [{ group: 'finance', threshold: 2 }],
        },
      },
    ],
  });
}

export function genesisState(activatedAt: number): GovernedState {
  return {
    format: STATE_FORMAT,
    version: 1,
    previousHash: null,
    activatedAt,
    policy: policyDocument(),
    addressBook: [],
    users: [
      user('initiator-0', ['initiator']),
      user('carol', ['approver']),
      user('dave', ['approver']),
      user('erin', ['approver']),
      user('frank', ['admin']),
      user('grace', ['admin']),
      user('heidi', ['admin']),
    ],
    groups: [{ id: 'finance', members: ['carol', 'dave', 'erin'] }],
    adminQuorum: { threshold: 2 },
  };
}

const adminSign = (digest: Uint8Array, admins: string[]) =>
  admins.map((a) => ({ adminId: a, keyId: `${a}-key`, signature: signEd25519(digest, secretKeyOf(a)) }));

export function signedGenesis(state: GovernedState, admins = ['frank', 'grace']) {
  return { state, signatures: adminSign(genesisDigest(state), admins) };
}

export function signedChange(
  base: GovernedState,
  ops: Change['ops'],
  activatesAt: number,
  admins = ['frank', 'heidi'],
) {
  const change: Change = {
    format: 'cairn.change/v1',
    baseVersion: base.version,
    baseHash: stateHash(base),
    activatesAt,
    proposedBy: 'frank',
    proposedAt: activatesAt - 1000,
    expiresAt: activatesAt + 3_600_000,
    ops,
  };
  return { change, signatures: adminSign(changeDigest(change), admins) };
}

/** What the coordinator attaches: its own decision (empty ledger) and the policy hash, 0x-hex. */
export function coordinatorClaims(p: {
  state: GovernedState;
  request: SignedRequest;
  vault: VaultRecord;
  intent?: IntentFacts;
}): { decision: Decision; policyHash: `0x${string}`; facts: ReturnType<typeof policyRequestFacts> } {
  const facts = policyRequestFacts(p.request, initiatorIdOf(p.request, p.vault.initiators)!);
  const decision = evaluate(compileState(p.state), {
    request: facts,
    intent: p.intent ?? UNAVAILABLE,
    ledger: new MemoryLedger(),
    now: facts.submittedAt,
  });
  return { decision, policyHash: `0x${decision.policyHash}`, facts };
}

export function approval(p: {
  approver: string;
  state: GovernedState;
  facts: ReturnType<typeof policyRequestFacts>;
  intent?: IntentFacts;
  decision?: 'approve' | 'reject';
}): SignedApproval {
  const now = Date.now();
  const statement: ApprovalStatement = {
    format: 'cairn.approval/v1',
    requestId: p.facts.id,
    requestDigest: requestDigest(p.facts),
    intentDigest: intentDigest(p.intent ?? UNAVAILABLE),
    policyHash: stateHash(p.state),
    decision: p.decision ?? 'approve',
    approverId: p.approver,
    keyId: `${p.approver}-key`,
    at: Math.max(now - 500, p.facts.submittedAt),
    expiresAt: now + 3_600_000,
  };
  return { statement, signature: signEd25519(approvalDigest(statement), secretKeyOf(p.approver)) };
}
