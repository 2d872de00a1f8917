// The intent report: canonical JSON of what a request does, digested with
// digestOf('cairn/intent-report/v1', report) — the value nodes and approvers sign over. Also the
// overall risk level and the facts policy consumes.
import { canonicalize, digestOf } from '@cairn/canonical';
import { summarize } from './summary.ts';
import {
  type Finding,
  INTENT_REPORT_DOMAIN,
  type IntentFacts,
  type IntentReport,
  type IntentResult,
  type RiskLevel,
  type Severity,
  type SimulationStatus,
} from './types.ts';

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const LEVEL: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

/**
 * Overall risk: 'unknown' when the transaction could not be simulated (fail closed), else the
 * highest finding severity ('info' and no findings → 'none').
 */
export function riskLevelOf(status: SimulationStatus, findings: readonly Finding[]): RiskLevel {
  if (status === 'unavailable') return 'unknown';
  let max = 0;
  for (const f of findings) max = Math.max(max, RANK[f.severity]);
  return LEVEL[max]!;
}

/** Builds the report (summary included) and its digest. */
export function buildReport(parts: Omit<IntentReport, 'summary' | 'version'>): IntentResult {
  const withoutSummary = { version: 1 as const, ...parts };
  const report: IntentReport = { ...withoutSummary, summary: summarize(withoutSummary) };
  // Round-trip through canonical JSON: drops undefined members and proves the report is canonical.
  const canonical = JSON.parse(canonicalize(report)) as IntentReport;
  return { report: canonical, digest: digestOf(INTENT_REPORT_DOMAIN, canonical) };
}

/** Recomputes a report's digest (e.g. after receiving it as JSON). */
export function reportDigest(report: IntentReport): `0x${string}` {
  return digestOf(INTENT_REPORT_DOMAIN, report);
}

/** What the policy engine needs: status, risk level and the ids of the findings (sorted, unique). */
export function toIntentFacts(report: IntentReport): IntentFacts {
  const simulated = report.kind === 'typed-data' || report.simulated;
  return {
    status: simulated && report.simulation.status !== 'unavailable' ? 'simulated' : 'unavailable',
    riskLevel: report.riskLevel,
    findingIds: [...new Set(report.findings.map((f) => f.ruleId))].sort(),
  };
}
