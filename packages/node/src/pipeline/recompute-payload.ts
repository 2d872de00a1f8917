// Step 6: the payload to sign is computed here, from the initiator-signed transaction, typed
// data or message (never taken from the coordinator; an `ed25519.message` payload is the message
// bytes themselves). A payload the coordinator sent along is
// only compared: a difference means someone is trying to get something else signed.
import { requestSigningPayload } from '../signing-payload.ts';
import { bytesToHex } from '../statements/encoding.ts';
import { OK, type PipelineStep, refuse } from './step.ts';

export const recomputePayload: PipelineStep = {
  name: 'recompute-payload',
  run: (ctx) => {
    let payload: Uint8Array;
    try {
      payload = requestSigningPayload(ctx.body);
    } catch (error) {
      return refuse('PAYLOAD_UNCOMPUTABLE', (error as Error).message.split('\n')[0]!);
    }
    if (ctx.job.payload !== undefined && ctx.job.payload !== bytesToHex(payload)) {
      return refuse(
        'PAYLOAD_MISMATCH',
        `the job's payload ${ctx.job.payload} is not the payload of its transaction (${bytesToHex(payload)})`,
      );
    }
    ctx.payload = payload;
    return OK;
  },
};
