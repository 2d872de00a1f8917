// Vault creation: the admin-signed KeygenJob is passed through unchanged to every party's node
// (each node checks the admin quorum itself and runs DKG with its peers over the transport).
// The coordinator records progress per node and, when every node reports the same group key,
// the vault becomes `ready`.
import { evmAddressOfPublicKey } from '@cairn/chains';
import {
  type AdminTrust,
  type KeygenJob,
  type KeygenResponse,
  parseKeygenJob,
  StatementError,
  verifyKeygenJob,
} from '@cairn/node';
import { CoordinatorError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { NodeCallError } from '../signing/node-client.ts';
import type { NodeHealth } from '../signing/node-health.ts';
import type { VaultProgress, VaultRecord, VaultStore } from '../store/vault-store.ts';

export interface CreateVaultParameters {
  input: unknown;
  vaults: VaultStore;
  health: NodeHealth;
  logger: Logger;
  /** When configured, the coordinator refuses an insufficiently signed job before contacting nodes. */
  admins?: AdminTrust;
  keygenTimeoutMs: number;
  nowSeconds: number;
}

/** Validates and records the job, then runs DKG in the background. Returns the new vault record. */
export function createVault(p: CreateVaultParameters): { vault: VaultRecord; done: Promise<void> } {
  let job: KeygenJob;
  try {
    job = parseKeygenJob(p.input);
    if (p.admins) verifyKeygenJob(job, p.admins);
  } catch (error) {
    if (error instanceof StatementError) {
      const code = error.code === 'INVALID_STATEMENT' ? 'INVALID_INPUT' : 'BAD_SIGNATURE';
      throw new CoordinatorError(code, error.message);
    }
    throw error;
  }
  if (job.expiresAt <= p.nowSeconds)
    throw new CoordinatorError('EXPIRED', `keygen job for ${job.vaultId} has expired`);
  const clients = job.parties.map((party) => {
    const client = p.health.clients.get(party);
    if (!client)
      throw new CoordinatorError('INVALID_INPUT', `party ${party} is not a node known to this coordinator`);
    return client;
  });
  const progress: VaultProgress[] = clients.map((c) => ({
    partyId: c.endpoint.partyId,
    nodeId: c.endpoint.nodeId,
    status: 'running',
  }));
  const created = p.vaults.create({
    vaultId: job.vaultId,
    name: job.name,
    scheme: job.scheme,
    threshold: job.threshold,
    parties: job.parties,
    initiators: job.initiators,
    progress,
  });
  if (!created)
    throw new CoordinatorError('VAULT_EXISTS', `a vault with id ${job.vaultId} or name ${job.name} exists`);
  p.logger.log('info', 'vault.keygen_started', {
    vaultId: job.vaultId,
    scheme: job.scheme,
    parties: job.parties,
  });

  const done = (async () => {
    const results = await Promise.allSettled(
      clients.map(async (client, i) => {
        try {
          const result = await client.keygen(job, p.keygenTimeoutMs);
          progress[i]!.status = 'done';
          return result;
        } catch (error) {
          progress[i]!.status = 'failed';
          progress[i]!.error = (error as Error).message;
          throw error;
        } finally {
          p.vaults.update(job.vaultId, { progress });
        }
      }),
    );
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) {
      const e = failure.reason as Error;
      const code = e instanceof NodeCallError ? e.code : 'KEYGEN_FAILED';
      p.vaults.update(job.vaultId, { status: 'failed', errorCode: code, errorMessage: e.message, progress });
      p.logger.log('error', 'vault.keygen_failed', { vaultId: job.vaultId, code, message: e.message });
      return;
    }
    const keys = results.map((r) => (r as PromiseFulfilledResult<KeygenResponse>).value);
    if (keys.some((k) => k.publicKey !== keys[0]!.publicKey)) {
      const message = 'nodes reported different group public keys';
      p.vaults.update(job.vaultId, { status: 'failed', errorCode: 'KEY_MISMATCH', errorMessage: message });
      p.logger.log('error', 'vault.keygen_failed', { vaultId: job.vaultId, code: 'KEY_MISMATCH', message });
      return;
    }
    const publicKey = keys[0]!.publicKey;
    const address =
      job.scheme === 'dkls23-secp256k1' ? evmAddressOfPublicKey(publicKey as `0x${string}`) : null;
    p.vaults.update(job.vaultId, { status: 'ready', publicKey, address, keyId: keys[0]!.keyId, progress });
    p.logger.log('info', 'vault.ready', { vaultId: job.vaultId, publicKey, address });
  })();
  return { vault: p.vaults.find(job.vaultId)!, done };
}
