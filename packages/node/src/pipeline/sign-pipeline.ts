// The sign-job verification pipeline, in order (docs/signing-path.md "Verification pipeline").
// `extensions` is where later issues plug in policy evaluation, approval checks and intent
// verification; they run after the payload is known and before the nonce is spent.
import type { ReplayGuard } from '../replay-guard.ts';
import { checkChainBinding } from './check-chain-binding.ts';
import { checkFreshness } from './check-freshness.ts';
import { checkInitiatorRole } from './check-initiator-role.ts';
import { checkReplay } from './check-replay.ts';
import { checkSignerSet } from './check-signer-set.ts';
import { recomputePayload } from './recompute-payload.ts';
import type { PipelineStep } from './step.ts';
import { verifyInitiatorSignature } from './verify-initiator-signature.ts';

export interface SignPipelineParameters {
  replayGuard: ReplayGuard;
  /** Policy, approvals and intent steps (later issues). */
  extensions?: readonly PipelineStep[];
}

export function createSignPipeline(params: SignPipelineParameters): PipelineStep[] {
  return [
    verifyInitiatorSignature,
    checkInitiatorRole,
    checkSignerSet,
    checkFreshness,
    checkChainBinding,
    recomputePayload,
    ...(params.extensions ?? []),
    checkReplay(params.replayGuard),
  ];
}
