// The dev cluster's governance (docs/coordinator-wiring.md): a genesis governed state signed by
// the two dev admins, three dev approvers (group `finance`), a policy that blocks high risk,
// allows small transfers and sends everything else for two approvals, and the coordinator's
// audit log key that the nodes are provisioned to witness. Dev keys only (mode 0600 files).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GovernedState,
  genesisDigest,
  parsePolicyDocument,
  STATE_FORMAT,
  signEd25519,
  type User,
} from '@cairn/policy';
import { ed25519 } from '@noble/curves/ed25519.js';
import { loadOrCreateLogKey } from '../audit/audit-trail.ts';

export const DEV_AUDIT_ORIGIN = 'cairn.local/audit/coordinator';

export interface DevGovernance {
  /** The admin-signed genesis ({ state, signatures }) for the coordinator and every node. */
  genesis: { state: GovernedState; signatures: unknown[] };
  genesisFile: string;
  /** Approver key files ({ userId, keyId, secretKey }) for `cairn approve --key`. */
  approverKeys: string[];
  /** Admin key files in the same format, for `cairn policy-activate --admin-key`. */
  adminKeys: string[];
  audit: { origin: string; keyFile: string; verifierKey: string };
}

function userKeyFile(path: string, userId: string): { publicKey: string; secretKey: Uint8Array } {
  let secret: Uint8Array;
  if (existsSync(path)) {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { secretKey: string };
    secret = Uint8Array.from(Buffer.from(json.secretKey, 'hex'));
  } else {
    secret = ed25519.utils.randomSecretKey();
    writeFileSync(
      path,
      `${JSON.stringify({ userId, keyId: `${userId}-key`, secretKey: Buffer.from(secret).toString('hex') })}\n`,
      { mode: 0o600 },
    );
    chmodSync(path, 0o600);
  }
  return { publicKey: Buffer.from(ed25519.getPublicKey(secret)).toString('hex'), secretKey: secret };
}

/** Writes (or reuses) the dev governance keys and a fresh genesis for this chain and token. */
export function prepareDevGovernance(p: {
  dir: string;
  chainId: number;
  token: string;
  tokenDecimals: number;
  /** The dev admins' secret keys (the committee admins double as policy admins). */
  adminSecrets: readonly Uint8Array[];
}): DevGovernance {
  const keys = join(p.dir, 'keys');
  const adminKeys: string[] = [];
  const users: User[] = [];
  p.adminSecrets.forEach((secret, i) => {
    const id = `admin-${i + 1}`;
    const path = join(keys, `policy-${id}.json`);
    writeFileSync(
      path,
      `${JSON.stringify({ userId: id, keyId: `${id}-key`, secretKey: Buffer.from(secret).toString('hex') })}\n`,
      { mode: 0o600 },
    );
    chmodSync(path, 0o600);
    adminKeys.push(path);
    users.push({
      id,
      roles: ['admin'],
      keys: [
        {
          id: `${id}-key`,
          type: 'ed25519',
          publicKey: Buffer.from(ed25519.getPublicKey(secret)).toString('hex'),
        },
      ],
    });
  });
  const approverKeys: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const id = `approver-${i}`;
    const path = join(keys, `${id}.json`);
    const k = userKeyFile(path, id);
    approverKeys.push(path);
    users.push({
      id,
      roles: ['approver'],
      keys: [{ id: `${id}-key`, type: 'ed25519', publicKey: k.publicKey }],
    });
  }
  const native = `eip155:${p.chainId}/slip44:60`;
  const demo = `eip155:${p.chainId}/erc20:${p.token.toLowerCase()}`;
  const policy = parsePolicyDocument({
    format: 'cairn.policy/v1',
    version: 1,
    name: 'cairn dev: block high risk, small transfers allowed, the rest needs 2 of finance',
    timezone: 'UTC',
    pricing: { maxAgeSeconds: 300 },
    rules: [
      {
        id: 'block-high-risk',
        when: { intent: { riskLevels: ['high', 'critical'] } },
        action: { type: 'block', reason: 'the simulated effect of this request is high risk' },
      },
      {
        id: 'small-native-transfers',
        when: { kinds: ['transfer'], assets: [native], amount: { lte: (10n ** 18n).toString() } },
        action: { type: 'allow' },
      },
      {
        id: 'small-demo-token-transfers',
        when: {
          kinds: ['transfer'],
          assets: [demo],
          amount: { lte: (1000n * 10n ** BigInt(p.tokenDecimals)).toString() },
        },
        action: { type: 'allow' },
      },
      {
        id: 'two-of-finance',
        when: {},
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
  const state: GovernedState = {
    format: STATE_FORMAT,
    version: 1,
    previousHash: null,
    activatedAt: 0,
    policy,
    addressBook: [],
    users,
    groups: [{ id: 'finance', members: ['approver-1', 'approver-2', 'approver-3'] }],
    adminQuorum: { threshold: Math.min(2, p.adminSecrets.length) },
  };
  const digest = genesisDigest(state);
  const genesis = {
    state,
    signatures: p.adminSecrets.map((secret, i) => ({
      adminId: `admin-${i + 1}`,
      keyId: `admin-${i + 1}-key`,
      signature: signEd25519(digest, secret),
    })),
  };
  const genesisFile = join(keys, 'policy-genesis.json');
  writeFileSync(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
  const keyFile = join(keys, 'audit-log.key');
  const logKey = loadOrCreateLogKey(DEV_AUDIT_ORIGIN, keyFile);
  return {
    genesis,
    genesisFile,
    approverKeys,
    adminKeys,
    audit: { origin: DEV_AUDIT_ORIGIN, keyFile, verifierKey: logKey.verifierKey },
  };
}
