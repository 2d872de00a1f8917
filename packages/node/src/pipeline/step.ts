// The verification pipeline's shape: named steps over one context, each returning ok or a typed
// refusal. Steps run in order and the first refusal ends the job; nothing is signed unless every
// step said ok. Later issues add steps (policy, approvals, intent) at the extension point.
import type { PartyId } from '@cairn/mpc';
import type { SignJob } from '../statements/sign-job.ts';
import type { SignedRequest, SignRequestBody } from '../statements/sign-request.ts';
import type { VaultRecord } from '../vault-store.ts';

export type RefusalCode =
  | 'INVALID_JOB'
  | 'NO_COMMITTEE'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_VAULT'
  | 'NOT_INITIATOR'
  | 'NOT_A_SIGNER'
  | 'BAD_SIGNER_SET'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'EXPIRY_TOO_FAR'
  | 'REPLAYED'
  | 'CHAIN_MISMATCH'
  | 'SCHEME_MISMATCH'
  | 'DERIVATION_UNSUPPORTED'
  | 'PAYLOAD_UNCOMPUTABLE'
  | 'PAYLOAD_MISMATCH'
  | `POLICY_${string}`
  | `APPROVAL_${string}`
  | `INTENT_${string}`;

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

export type StepResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal };

export interface SignJobContext {
  readonly job: SignJob;
  readonly request: SignedRequest;
  readonly body: SignRequestBody;
  /** Digest of the request body (cairn/sign-request/v1). */
  readonly digest: `0x${string}`;
  /** Unix seconds, read once per job. */
  readonly now: number;
  readonly self: { readonly nodeId: string; readonly partyId: PartyId };
  /** Party ids of the accepted committee. */
  readonly committeeParties: ReadonlySet<PartyId>;
  readonly vault: VaultRecord | undefined;
  readonly limits: { readonly maxLifetimeSeconds: number; readonly clockSkewSeconds: number };
  /** The payload to sign, recomputed from the request by the recompute-payload step. */
  payload?: Uint8Array;
  /** A running session of the same request that the replay step let this job replace. */
  supersedes?: string | null;
}

export interface PipelineStep {
  readonly name: string;
  /** Most steps are synchronous; a step that must wait (re-simulating the intent) returns a promise. */
  run(ctx: SignJobContext): StepResult | Promise<StepResult>;
}

export const OK: StepResult = { ok: true };

export function refuse(code: RefusalCode, message: string): StepResult {
  return { ok: false, refusal: { code, message } };
}

export type PipelineOutcome = { ok: true } | { ok: false; step: string; refusal: Refusal };

/**
 * Runs the steps in order; the first refusal wins. A step that throws (or rejects) is a refusal,
 * never a pass.
 */
export async function runPipeline(
  steps: readonly PipelineStep[],
  ctx: SignJobContext,
): Promise<PipelineOutcome> {
  for (const step of steps) {
    let result: StepResult;
    try {
      const r = step.run(ctx);
      // Synchronous steps stay synchronous: no yield between them (the replay reservation and the
      // start of the protocol happen in one turn unless a step really has to wait).
      result = r instanceof Promise ? await r : r;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return {
        ok: false,
        step: step.name,
        refusal: { code: 'INVALID_JOB', message: `${step.name} failed: ${message}` },
      };
    }
    if (!result.ok) return { ok: false, step: step.name, refusal: result.refusal };
  }
  return { ok: true };
}
