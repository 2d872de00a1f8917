// The simulated transaction reverts. Signing it would only burn gas, and a request built to revert
// is often probing or mis-built; either way nothing should be signed. Policy blocks on the finding
// id `simulation-reverted` (see docs/intent.md), whatever its severity mapping.
import type { Rule } from '../types.ts';
import { finding } from './context-queries.ts';

export const SIMULATION_REVERTED = 'simulation-reverted';

export const simulationRevertedRule: Rule = {
  id: SIMULATION_REVERTED,
  description: 'The transaction reverts in simulation (high; policy blocks on this finding id).',
  evaluate(ctx) {
    if (ctx.simulation.status !== 'reverted') return [];
    const reason =
      ctx.simulation.revertReason ?? ctx.simulation.trace.find((f) => f.revertReason)?.revertReason;
    return [
      finding(
        SIMULATION_REVERTED,
        'high',
        `This transaction fails when simulated${reason ? ` (${reason})` : ''}: it must not be signed.`,
        {
          blocks: 'true',
          engine: ctx.simulation.engine,
          ...(reason ? { revertReason: reason } : {}),
          ...(ctx.simulation.block ? { block: ctx.simulation.block.number } : {}),
        },
      ),
    ];
  },
};
