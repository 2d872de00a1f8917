// Condition `intent`: the risk level and finding ids from simulation (§4.10). Fail closed:
// `unknown` (or an unavailable simulation) satisfies every minRiskLevel and no maxRiskLevel.
// The gate that keeps allow / require_approvals rules from matching an unavailable simulation
// lives in compile.ts (allowUnavailable).
import type { Conditions, RiskLevel } from '../document.ts';
import type { IntentFacts } from '../request.ts';
import { type CompiledCondition, list } from './condition.ts';

const ORDER: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4, unknown: 5 };

/** The risk level the policy sees: an unavailable simulation is always `unknown`. */
export function effectiveRiskLevel(intent: IntentFacts): RiskLevel {
  return intent.status === 'unavailable' ? 'unknown' : intent.riskLevel;
}

export function compileIntent(c: NonNullable<Conditions['intent']>): CompiledCondition | null {
  const levels = c.riskLevels ? new Set<string>(c.riskLevels) : null;
  const min = c.minRiskLevel === undefined ? null : ORDER[c.minRiskLevel];
  const max = c.maxRiskLevel === undefined ? null : ORDER[c.maxRiskLevel];
  const any = c.findingsAny ? new Set(c.findingsAny) : null;
  const none = c.findingsNone ? new Set(c.findingsNone) : null;
  if (!levels && min === null && max === null && !any && !none) return null; // only allowUnavailable
  return {
    kind: 'intent',
    test(f) {
      const level = effectiveRiskLevel(f.intent);
      if (levels && !levels.has(level)) return false;
      if (min !== null && ORDER[level] < min) return false;
      if (max !== null && (level === 'unknown' || ORDER[level] > max)) return false;
      if (any && !f.intent.findingIds.some((id) => any.has(id))) return false;
      if (none && f.intent.findingIds.some((id) => none.has(id))) return false;
      return true;
    },
    describe(f) {
      const parts = [`risk level ${effectiveRiskLevel(f.intent)}`];
      if (c.riskLevels) parts.push(`is one of ${list(c.riskLevels)}`);
      if (c.minRiskLevel) parts.push(`is at least ${c.minRiskLevel}`);
      if (c.maxRiskLevel) parts.push(`is at most ${c.maxRiskLevel}`);
      if (any) parts.push(`findings include ${list(f.intent.findingIds.filter((x) => any.has(x)))}`);
      if (none) parts.push(`no finding in ${list(c.findingsNone!)}`);
      return parts.join(', ');
    },
  };
}
