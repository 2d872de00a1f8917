// Step 2: the initiator may request signatures from this vault. Until roles and policies land
// (later issues), the allowed initiators are those listed in the vault's admin-signed keygen job.
import { OK, type PipelineStep, refuse } from './step.ts';

export const checkInitiatorRole: PipelineStep = {
  name: 'check-initiator-role',
  run: (ctx) => {
    if (!ctx.vault) return refuse('UNKNOWN_VAULT', `vault ${ctx.body.vaultId} does not exist on this node`);
    const key = ctx.request.initiator.toLowerCase();
    if (!ctx.vault.initiators.some((i) => i.publicKey.toLowerCase() === key)) {
      return refuse(
        'NOT_INITIATOR',
        `key ${ctx.request.initiator} is not an initiator of vault ${ctx.body.vaultId}`,
      );
    }
    return OK;
  },
};
