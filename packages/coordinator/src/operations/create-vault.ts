// `cairn vault create`: builds the keygen job, signs it with the admin keys, submits it and
// follows DKG progress node by node.
import { randomBytes } from 'node:crypto';
import { type KeygenJobBody, publicKeyOf, signKeygenJob } from '@cairn/node';
import { ApiError, type VaultView } from '../client.ts';
import { type OperatorContext, OperatorError } from './operator-context.ts';

export interface CreateVaultOptions {
  name: string;
  threshold: number;
  scheme: string;
  parties?: number[];
  onProgress?: (line: string) => void;
}

export async function createVaultOperation(ctx: OperatorContext, o: CreateVaultOptions): Promise<VaultView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(o.name)) {
    throw new OperatorError(
      'INVALID_INPUT',
      'vault name: letters, digits and . _ : - (it is also the vault id)',
    );
  }
  const admins = ctx.adminKeys();
  const initiator = publicKeyOf(ctx.initiatorKey());
  const nodes = await ctx.api.nodes().catch(rethrow);
  const parties = o.parties ?? nodes.map((n) => n.partyId);
  if (o.threshold < 2 || o.threshold > parties.length) {
    throw new OperatorError(
      'INVALID_INPUT',
      `threshold must be between 2 and ${parties.length} (the number of parties)`,
    );
  }
  const down = nodes.filter((n) => parties.includes(n.partyId) && !n.up);
  if (down.length > 0) {
    throw new OperatorError(
      'UNAVAILABLE',
      `key generation needs every party; down: ${down.map((n) => n.nodeId).join(', ')}`,
    );
  }
  const body: KeygenJobBody = {
    vaultId: o.name,
    name: o.name,
    scheme: o.scheme,
    threshold: o.threshold,
    parties,
    sessionId: `0x${randomBytes(32).toString('hex')}`,
    initiators: [{ id: 'dev-initiator', publicKey: initiator }],
    nonce: `0x${randomBytes(16).toString('hex')}`,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  };
  let job: ReturnType<typeof signKeygenJob>;
  try {
    job = signKeygenJob(body, admins);
  } catch (error) {
    throw new OperatorError('INVALID_INPUT', (error as Error).message);
  }
  o.onProgress?.(
    `creating vault ${o.name}: ${o.scheme}, ${o.threshold}-of-${parties.length}, parties ${parties.join(', ')}`,
  );
  await ctx.api.createVault(job).catch(rethrow);
  const started = Date.now();
  const seen = new Map<string, string>();
  const vault = await ctx.api
    .waitForVault(o.name, {
      onUpdate: (v) => {
        for (const p of v.progress) {
          if (seen.get(p.nodeId) !== p.status) {
            seen.set(p.nodeId, p.status);
            const mark = p.status === 'done' ? '✔' : p.status === 'failed' ? '✖' : '…';
            o.onProgress?.(
              `  ${mark} ${p.nodeId} (party ${p.partyId}) ${p.status}${p.error ? `: ${p.error}` : ''}`,
            );
          }
        }
      },
    })
    .catch(rethrow);
  if (vault.status !== 'ready') {
    throw new OperatorError('FAILED', `key generation failed: ${vault.error?.message ?? vault.error?.code}`);
  }
  o.onProgress?.(`vault ${vault.name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vault;
}

/** Maps API errors to operator errors with the server's code and message. */
export function rethrow(error: unknown): never {
  if (error instanceof ApiError) {
    const code =
      error.code === 'UNAVAILABLE'
        ? 'UNAVAILABLE'
        : error.status === 404
          ? 'NOT_FOUND'
          : error.status >= 500
            ? 'FAILED'
            : 'REFUSED';
    // The server's own code is kept in the message when it says more than the operator code.
    throw new OperatorError(code, error.code === code ? error.message : `${error.code}: ${error.message}`);
  }
  throw error;
}
