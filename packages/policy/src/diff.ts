// What-if diff (docs/policy.md §8.3): re-evaluate historical requests under a candidate policy
// and list every decision that would change. Velocity history is what was actually signed
// (records with executed: true), the same for both policies: the diff shows first-order
// effects, it does not simulate the cascade of a different past.
import type { CompiledPolicy } from './compile.ts';
import type { Decision } from './decision.ts';
import { evaluate } from './evaluate.ts';
import type { HistoryRecord } from './history.ts';
import { MemoryLedger } from './ledger.ts';
import { ledgerEntryFor } from './pricing.ts';

export interface DecisionSummary {
  outcome: Decision['outcome'];
  ruleId: string | null;
  code: Decision['code'];
  approvals: string | null;
}

export interface DecisionChange {
  requestId: string;
  submittedAt: number;
  initiator: string;
  from: DecisionSummary;
  to: DecisionSummary;
  /** The new decision's explanation. */
  explanation: string;
}

export interface DiffReport {
  fromPolicyHash: string;
  toPolicyHash: string;
  evaluated: number;
  changed: number;
  /** "allow -> block": count, over changed decisions. */
  transitions: Record<string, number>;
  changes: DecisionChange[];
}

export interface DiffPoliciesParameters {
  from: CompiledPolicy;
  to: CompiledPolicy;
  history: readonly HistoryRecord[];
  /** Only requests submitted at or after this instant (ms). */
  since?: number;
}

function summary(d: Decision): DecisionSummary {
  return {
    outcome: d.outcome,
    ruleId: d.ruleId,
    code: d.code,
    approvals: d.approvals
      ? d.approvals.groups
          .map((g) => `${g.group}>=${g.threshold}`)
          .join(d.approvals.mode === 'all' ? ' AND ' : ' OR ')
      : null,
  };
}

function differs(a: DecisionSummary, b: DecisionSummary): boolean {
  return a.outcome !== b.outcome || a.approvals !== b.approvals;
}

/**
 * Lists decisions that change between `from` and `to`. A change is a different outcome or a
 * different approval requirement; the same outcome reached through another rule (a block by an
 * explicit rule instead of the implicit final BLOCK, say) is not a change.
 */
export function diffPolicies(p: DiffPoliciesParameters): DiffReport {
  const ledger = new MemoryLedger();
  const maxAge = p.from.policy.pricing.maxAgeSeconds;
  for (const h of p.history) if (h.executed) ledger.record(ledgerEntryFor(h.request, h.prices, maxAge));
  const changes: DecisionChange[] = [];
  const transitions: Record<string, number> = {};
  let evaluated = 0;
  for (const h of p.history) {
    if (p.since !== undefined && h.request.submittedAt < p.since) continue;
    evaluated++;
    const input = {
      request: h.request,
      intent: h.intent,
      ledger,
      prices: h.prices,
      now: h.request.submittedAt,
      explain: false,
    };
    const a = summary(evaluate(p.from, input));
    const b = summary(evaluate(p.to, input));
    if (!differs(a, b)) continue;
    const t = `${a.outcome} -> ${b.outcome}`;
    transitions[t] = (transitions[t] ?? 0) + 1;
    changes.push({
      requestId: h.request.id,
      submittedAt: h.request.submittedAt,
      initiator: h.request.initiator,
      from: a,
      to: b,
      explanation: evaluate(p.to, { ...input, explain: true }).explanation,
    });
  }
  return {
    fromPolicyHash: p.from.policyHash,
    toPolicyHash: p.to.policyHash,
    evaluated,
    changed: changes.length,
    transitions,
    changes,
  };
}
