// No simulation could be run (RPC down, timeout, engine error). The risk level is then 'unknown'
// (set by the engine); this finding makes the reason visible to approvers and lets policy match on
// `simulation-unavailable`. Fail closed: nothing here says the request is safe.
// A second engine that disagrees with the first is reported too (`simulation-disagreement`).
import type { Rule } from '../types.ts';
import { finding } from './context-queries.ts';

export const simulationUnavailableRule: Rule = {
  id: 'simulation-unavailable',
  description: 'The transaction could not be simulated: its effects are unknown (high; risk level unknown).',
  evaluate(ctx) {
    if (ctx.request.kind !== 'transaction' || ctx.simulation.status !== 'unavailable') return [];
    const error = ctx.simulation.error;
    return [
      finding(
        'simulation-unavailable',
        'high',
        `This transaction could not be simulated${error ? ` (${error.message})` : ''}: what it does is unknown.`,
        { blocks: 'true', engine: ctx.simulation.engine, ...(error ? { code: error.code } : {}) },
      ),
    ];
  },
};

export const simulationDisagreementRule: Rule = {
  id: 'simulation-disagreement',
  description: 'A second simulation engine disagrees with the first about the outcome (high).',
  evaluate(ctx) {
    const second = ctx.simulation.secondOpinion;
    if (!second || second.agrees) return [];
    return [
      finding(
        'simulation-disagreement',
        'high',
        `Two simulators disagree about this transaction (${ctx.simulation.engine}: ${ctx.simulation.status}, ` +
          `${second.engine}: ${second.status}): one of them, or the RPC behind it, cannot be trusted.`,
        {
          primaryEngine: ctx.simulation.engine,
          primaryStatus: ctx.simulation.status,
          secondEngine: second.engine,
          secondStatus: second.status,
          ...(second.detail ? { detail: second.detail } : {}),
        },
      ),
    ];
  },
};
