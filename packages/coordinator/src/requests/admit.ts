// Admission of a signed request at the API boundary (before anything is persisted): schema,
// initiator signature, expiry window, initiator allowed for the vault, chain supported. Replay
// and idempotency are decided atomically with the insert (RequestStore.insert). The signer nodes
// repeat every check themselves; the coordinator checks so that bad requests fail fast and are
// audited at the door, not because anyone relies on it.
import {
  parseSignedRequest,
  type SignedRequest,
  StatementError,
  signRequestDigest,
  verifySignedRequest,
} from '@cairn/node';
import { CoordinatorError } from '../errors.ts';
import type { VaultRecord } from '../store/vault-store.ts';

export interface AdmitParameters {
  input: unknown;
  nowSeconds: number;
  /** Longest allowed lifetime of a request (expiresAt − now), in seconds. */
  maxLifetimeSeconds: number;
  /** Allowed clock skew for createdAt in the future, in seconds. */
  clockSkewSeconds: number;
  findVault: (vaultId: string) => VaultRecord | null;
  supportedChain: (chainId: number) => boolean;
}

export interface Admitted {
  request: SignedRequest;
  vault: VaultRecord;
  bodyDigest: string;
}

export function admitSignedRequest(p: AdmitParameters): Admitted {
  let request: SignedRequest;
  try {
    request = parseSignedRequest(p.input);
  } catch (error) {
    if (error instanceof StatementError) throw new CoordinatorError('INVALID_INPUT', error.message);
    throw error;
  }
  if (!verifySignedRequest(request)) {
    throw new CoordinatorError(
      'BAD_SIGNATURE',
      `request ${request.body.requestId}: initiator signature does not verify`,
    );
  }
  const body = request.body;
  if (body.expiresAt <= p.nowSeconds) {
    throw new CoordinatorError(
      'EXPIRED',
      `request ${body.requestId} expired at ${body.expiresAt} (now ${p.nowSeconds})`,
    );
  }
  if (body.expiresAt - p.nowSeconds > p.maxLifetimeSeconds) {
    throw new CoordinatorError(
      'EXPIRED',
      `request ${body.requestId} expires too far in the future (more than ${p.maxLifetimeSeconds} s)`,
    );
  }
  if (body.createdAt > p.nowSeconds + p.clockSkewSeconds) {
    throw new CoordinatorError('INVALID_INPUT', `request ${body.requestId} is dated in the future`);
  }
  const vault = p.findVault(body.vaultId);
  if (!vault || vault.vaultId !== body.vaultId) {
    throw new CoordinatorError('UNKNOWN_VAULT', `no vault with id ${body.vaultId}`);
  }
  if (vault.status !== 'ready') {
    throw new CoordinatorError('VAULT_NOT_READY', `vault ${body.vaultId} is ${vault.status}`);
  }
  if (!vault.initiators.some((i) => i.publicKey.toLowerCase() === request.initiator.toLowerCase())) {
    throw new CoordinatorError(
      'NOT_INITIATOR',
      `key ${request.initiator} is not an initiator of vault ${vault.vaultId}`,
    );
  }
  // `ed25519.message` is bound to no chain (chainId 0, checked by the schema): nothing to configure.
  if (body.kind !== 'ed25519.message' && !p.supportedChain(body.chainId)) {
    throw new CoordinatorError(
      'UNSUPPORTED_CHAIN',
      `chain ${body.chainId} is not configured on this coordinator`,
    );
  }
  return { request, vault, bodyDigest: signRequestDigest(body) };
}
