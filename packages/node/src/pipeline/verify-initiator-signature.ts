// Step 1: the request is signed by the initiator key it names (domain cairn/sign-request/v1).
// Anything the coordinator or network changed in the body breaks this signature.
import { verifySignedRequest } from '../statements/sign-request.ts';
import { OK, type PipelineStep, refuse } from './step.ts';

export const verifyInitiatorSignature: PipelineStep = {
  name: 'verify-initiator-signature',
  run: (ctx) =>
    verifySignedRequest(ctx.request)
      ? OK
      : refuse(
          'BAD_SIGNATURE',
          `the request signature does not verify under initiator key ${ctx.request.initiator}`,
        ),
};
