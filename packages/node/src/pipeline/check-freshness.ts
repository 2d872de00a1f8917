// Step 4: the request is live: not expired, not created in the future (beyond the allowed clock
// skew), and not valid for absurdly long (a long-lived request is a stockpiled replay).
import { OK, type PipelineStep, refuse } from './step.ts';

export const checkFreshness: PipelineStep = {
  name: 'check-freshness',
  run: (ctx) => {
    const { createdAt, expiresAt } = ctx.body;
    const { clockSkewSeconds, maxLifetimeSeconds } = ctx.limits;
    if (expiresAt <= ctx.now)
      return refuse('EXPIRED', `the request expired at ${expiresAt} (now ${ctx.now})`);
    if (createdAt > ctx.now + clockSkewSeconds)
      return refuse('NOT_YET_VALID', `the request is dated ${createdAt}, in the future (now ${ctx.now})`);
    if (expiresAt - createdAt > maxLifetimeSeconds)
      return refuse(
        'EXPIRY_TOO_FAR',
        `the request is valid for ${expiresAt - createdAt} s, more than ${maxLifetimeSeconds} s`,
      );
    return OK;
  },
};
