// Last step: the request's nonce is not spent. Runs after every other check, atomically checks
// and reserves the nonce for this session, so a job refused by an earlier step does not burn it
// and two jobs for the same request can never both produce a signature on this node.
import type { ReplayGuard } from '../replay-guard.ts';
import { OK, type PipelineStep, refuse } from './step.ts';

export function checkReplay(guard: ReplayGuard): PipelineStep {
  return {
    name: 'check-replay',
    run: (ctx) => {
      const outcome = guard.reserve({
        kind: 'sign',
        nonce: ctx.body.nonce,
        digest: ctx.digest,
        requestId: ctx.body.requestId,
        sessionId: ctx.job.sessionId,
        expiresAt: ctx.body.expiresAt,
        now: ctx.now,
      });
      if (!outcome.ok) return refuse('REPLAYED', outcome.message);
      ctx.supersedes = outcome.supersedes;
      return OK;
    },
  };
}
