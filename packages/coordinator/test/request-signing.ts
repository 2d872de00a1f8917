// Test helpers: build and sign requests and keygen jobs the way API clients do.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EvmTransaction } from '@cairn/chains';
import {
  type KeygenJob,
  publicKeyOf,
  randomSigningKey,
  type SignedRequest,
  signKeygenJob,
  signSignRequest,
} from '@cairn/node';

export const admin1 = randomSigningKey();
export const admin2 = randomSigningKey();
export const initiatorKey = randomSigningKey();

export function keygenJob(params: {
  vaultId: string;
  parties?: number[];
  threshold?: number;
  admins?: Uint8Array[];
}): KeygenJob {
  return signKeygenJob(
    {
      vaultId: params.vaultId,
      name: params.vaultId,
      scheme: 'dkls23-secp256k1',
      threshold: params.threshold ?? 2,
      parties: params.parties ?? [1, 2, 3],
      sessionId: `0x${randomBytes(32).toString('hex')}`,
      initiators: [{ id: 'tester', publicKey: publicKeyOf(initiatorKey) }],
      nonce: `0x${randomBytes(16).toString('hex')}`,
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    },
    params.admins ?? [admin1, admin2],
  );
}

export function signedTransfer(params: {
  vaultId: string;
  transaction: EvmTransaction;
  key?: Uint8Array;
  expiresIn?: number;
  createdAt?: number;
  nonce?: string;
  idempotencyKey?: string;
}): SignedRequest {
  const now = params.createdAt ?? Math.floor(Date.now() / 1000);
  return signSignRequest(
    {
      requestId: randomUUID(),
      vaultId: params.vaultId,
      idempotencyKey: params.idempotencyKey ?? randomUUID(),
      kind: 'evm.transaction',
      chainId: params.transaction.chainId,
      derivationPath: [],
      transaction: params.transaction,
      nonce: params.nonce ?? `0x${randomBytes(16).toString('hex')}`,
      createdAt: now,
      expiresAt: now + (params.expiresIn ?? 300),
    },
    params.key ?? initiatorKey,
  );
}
