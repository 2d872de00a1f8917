// Builders for the statements tests send to nodes: committees, keygen jobs, sign jobs.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  bytesToHex,
  type Committee,
  type KeygenJob,
  publicKeyOf,
  type SignJob,
  type SignerNode,
  type SignRequestBody,
  signCommittee,
  signKeygenJob,
  signSignRequest,
} from '@cairn/node';

export const hex = (n: number) => bytesToHex(new Uint8Array(randomBytes(n)));
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface MemberInfo {
  nodeId: string;
  partyId: number;
  signingKey: string;
  encryptionKey: string;
  url: string;
}

export function committeeOf(
  members: readonly MemberInfo[],
  admins: readonly Uint8Array[],
  version = 1,
): Committee {
  return signCommittee(
    {
      committeeId: 'test',
      version,
      members: members.map((m) => ({
        nodeId: m.nodeId,
        partyId: m.partyId,
        signingKey: m.signingKey,
        encryptionKey: m.encryptionKey,
        url: m.url,
      })),
    },
    admins,
  );
}

/**
 * Signs a committee of in-process nodes (on an in-memory network, so their URL is a placeholder)
 * with the first two admins, and installs it on every node.
 */
export function installInProcessCommittee(nodes: readonly SignerNode[], admins: readonly Uint8Array[]): void {
  const committee = committeeOf(
    nodes.map((node) => ({
      nodeId: node.identity.nodeId,
      partyId: node.config.partyId,
      signingKey: node.identity.signingKey,
      encryptionKey: node.identity.encryptionKey,
      url: 'http://127.0.0.1:9',
    })),
    admins.slice(0, 2),
  );
  for (const node of nodes) node.installCommittee(committee);
}

export function keygenJobOf(params: {
  vaultId: string;
  admins: readonly Uint8Array[];
  initiators: readonly Uint8Array[];
  parties?: number[];
  threshold?: number;
  scheme?: string;
}): KeygenJob {
  return signKeygenJob(
    {
      vaultId: params.vaultId,
      name: params.vaultId,
      scheme: params.scheme ?? 'dkls23-secp256k1',
      threshold: params.threshold ?? 2,
      parties: params.parties ?? [1, 2, 3],
      sessionId: hex(32),
      initiators: params.initiators.map((k, i) => ({ id: `initiator-${i}`, publicKey: publicKeyOf(k) })),
      nonce: hex(16),
      expiresAt: nowSeconds() + 120,
    },
    params.admins,
  );
}

export function transferBody(vaultId: string, overrides: Partial<SignRequestBody> = {}): SignRequestBody {
  const now = nowSeconds();
  return {
    requestId: randomUUID(),
    vaultId,
    idempotencyKey: randomUUID(),
    kind: 'evm.transaction',
    chainId: 31337,
    derivationPath: [],
    transaction: {
      type: 'eip1559',
      chainId: 31337,
      nonce: 0,
      to: '0x000000000000000000000000000000000000dEaD',
      value: '1000000000000000',
      data: '0x',
      gas: '21000',
      maxFeePerGas: '2000000000',
      maxPriorityFeePerGas: '1000000000',
    },
    nonce: hex(16),
    createdAt: now,
    expiresAt: now + 120,
    ...overrides,
  };
}

export function signJobOf(params: {
  body: SignRequestBody;
  initiator: Uint8Array;
  signers: number[];
  sessionId?: string;
}): SignJob {
  return {
    sessionId: params.sessionId ?? hex(32),
    signers: params.signers,
    request: signSignRequest(params.body, params.initiator),
  };
}
