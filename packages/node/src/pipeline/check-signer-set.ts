// Step 3: this node is one of the job's signers, and the signer set is a valid quorum of the
// vault's committee (members of the key's parties and of the accepted committee, at least t).
import { OK, type PipelineStep, refuse } from './step.ts';

export const checkSignerSet: PipelineStep = {
  name: 'check-signer-set',
  run: (ctx) => {
    const vault = ctx.vault;
    if (!vault) return refuse('UNKNOWN_VAULT', `vault ${ctx.body.vaultId} does not exist on this node`);
    const signers = ctx.job.signers;
    if (!signers.includes(ctx.self.partyId))
      return refuse(
        'NOT_A_SIGNER',
        `party ${ctx.self.partyId} is not among the job's signers [${signers.join(', ')}]`,
      );
    const outsiders = signers.filter((p) => !vault.parties.includes(p) || !ctx.committeeParties.has(p));
    if (outsiders.length > 0)
      return refuse(
        'BAD_SIGNER_SET',
        `signers [${outsiders.join(', ')}] do not hold shares of vault ${vault.vaultId}`,
      );
    if (signers.length < vault.threshold)
      return refuse(
        'BAD_SIGNER_SET',
        `${signers.length} signers, vault ${vault.vaultId} needs ${vault.threshold}`,
      );
    return OK;
  },
};
