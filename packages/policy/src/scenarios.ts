// Policy unit tests written by users (docs/policy.md §8.2): a YAML file of scenarios, each a
// request (plus intent, time, prices, velocity history) and the decision it must get.
import { z } from 'zod';
import { parseUsdMicros, USD_DECIMAL } from './amount.ts';
import type { CompiledPolicy } from './compile.ts';
import type { Decision } from './decision.ts';
import { Id } from './document.ts';
import { invalidInput, PolicyError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { MemoryLedger } from './ledger.ts';
import { ledgerEntryFor } from './pricing.ts';
import { compileSource, parseStructured, type PolicySource } from './policy-file.ts';
import {
  Instant,
  IntentFacts,
  type PolicyRequest,
  parsePolicyRequest,
  parsePriceSnapshot,
  PriceSnapshotJson,
} from './request.ts';
import { type PolicyContext, PolicyContextSchema } from './state.ts';

const Partial = z.record(z.string(), z.unknown());

const Expectation = z.strictObject({
  outcome: z.enum(['allow', 'block', 'require_approvals']),
  /** The deciding rule id; null for the implicit final BLOCK. Omit to not check. */
  rule: Id.nullable().optional(),
  code: z
    .enum(['RULE_ALLOW', 'RULE_BLOCK', 'RULE_REQUIRE_APPROVALS', 'NO_RULE_MATCHED', 'FACTS_UNAVAILABLE'])
    .optional(),
  /** For require_approvals: the groups and thresholds expected (order-insensitive). */
  approvals: z
    .strictObject({
      mode: z.enum(['all', 'any']).optional(),
      groups: z.array(z.strictObject({ group: Id, threshold: z.int().min(1) })).optional(),
      initiatorMayApprove: z.boolean().optional(),
    })
    .optional(),
});

const Scenario = z.strictObject({
  name: z.string().min(1).max(300),
  /** Merged over `defaults.request` (top-level keys replace). */
  request: Partial,
  intent: IntentFacts.partial().optional(),
  /** Evaluation instant; default: the request's submittedAt. */
  now: Instant.optional(),
  prices: PriceSnapshotJson.shape.prices.optional(),
  expect: Expectation,
});

const LedgerItem = z.strictObject({
  request: Partial,
  /** USD value recorded for this entry; default: valued with `prices` at its submission time. */
  usd: z.string().regex(USD_DECIMAL).nullable().optional(),
});

export const ScenarioFile = z.strictObject({
  /** Users, groups and address book, when the policy file is a bare document. */
  context: PolicyContextSchema.optional(),
  prices: PriceSnapshotJson.shape.prices.optional(),
  defaults: z
    .strictObject({ request: Partial.optional(), intent: IntentFacts.partial().optional() })
    .optional(),
  ledger: z.array(LedgerItem).max(100_000).optional(),
  scenarios: z.array(Scenario).min(1).max(10_000),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;

export interface ScenarioResult {
  name: string;
  pass: boolean;
  /** What differed from the expectation (empty when passing). */
  mismatches: string[];
  decision: Decision;
}

export interface ScenarioReport {
  passed: number;
  failed: number;
  results: ScenarioResult[];
}

export function parseScenarioFile(text: string): ScenarioFile {
  const value = parseStructured(text, 'the scenarios file');
  const r = ScenarioFile.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_SCENARIOS', 'scenarios file', r.error.issues);
  return r.data;
}

const DEFAULT_INTENT: IntentFacts = { status: 'simulated', riskLevel: 'none', findingIds: [] };

function buildRequest(
  defaults: Record<string, unknown> | undefined,
  own: Record<string, unknown>,
  where: string,
): PolicyRequest {
  // null removes a default (e.g. `destination: null` for a typed-data request)
  const merged = Object.fromEntries(
    Object.entries({ ...(defaults ?? {}), ...own }).filter(([, v]) => v !== null),
  );
  try {
    return parsePolicyRequest(merged);
  } catch (e) {
    if (e instanceof PolicyError)
      throw new PolicyError('INVALID_SCENARIOS', `${where}: ${e.message}`, { details: [...e.details] });
    throw e;
  }
}

/**
 * Runs every scenario against the policy. A bare policy document uses the scenario file's
 * `context` (or `context` given here); a governed state uses its own.
 */
export function runScenarios(p: {
  source: PolicySource;
  file: ScenarioFile;
  context?: PolicyContext;
}): ScenarioReport {
  const policy: CompiledPolicy = compileSource(p.source, p.context ?? p.file.context);
  const filePrices = p.file.prices ?? {};
  const maxAge = policy.policy.pricing.maxAgeSeconds;
  const ledger = new MemoryLedger();
  (p.file.ledger ?? []).forEach((item, i) => {
    const r = buildRequest(
      p.file.defaults?.request,
      { id: `ledger-${i + 1}`, ...item.request },
      `ledger[${i}]`,
    );
    const entry = ledgerEntryFor(r, parsePriceSnapshot({ prices: filePrices }), maxAge);
    if (item.usd !== undefined) entry.usdMicros = item.usd === null ? null : parseUsdMicros(item.usd);
    ledger.record(entry);
  });
  const results = p.file.scenarios.map((s, i): ScenarioResult => {
    const request = buildRequest(
      p.file.defaults?.request,
      { id: `scenario-${i + 1}`, ...s.request },
      `scenarios[${i}] (${s.name})`,
    );
    const intent = { ...DEFAULT_INTENT, ...p.file.defaults?.intent, ...s.intent };
    const prices = parsePriceSnapshot({ prices: { ...filePrices, ...s.prices } });
    const decision = evaluate(policy, { request, intent, ledger, prices, now: s.now ?? request.submittedAt });
    const mismatches = compare(s.expect, decision);
    return { name: s.name, pass: mismatches.length === 0, mismatches, decision };
  });
  const passed = results.filter((r) => r.pass).length;
  return { passed, failed: results.length - passed, results };
}

function compare(e: z.infer<typeof Expectation>, d: Decision): string[] {
  const out: string[] = [];
  if (e.outcome !== d.outcome) out.push(`outcome: expected ${e.outcome}, got ${d.outcome}`);
  if (e.rule !== undefined && e.rule !== d.ruleId)
    out.push(`rule: expected ${e.rule ?? '(implicit block)'}, got ${d.ruleId ?? '(implicit block)'}`);
  if (e.code !== undefined && e.code !== d.code) out.push(`code: expected ${e.code}, got ${d.code}`);
  if (e.approvals) {
    const a = d.approvals;
    if (!a) out.push('approvals: expected a requirement, got none');
    else {
      if (e.approvals.mode && e.approvals.mode !== a.mode)
        out.push(`approvals.mode: expected ${e.approvals.mode}, got ${a.mode}`);
      if (
        e.approvals.initiatorMayApprove !== undefined &&
        e.approvals.initiatorMayApprove !== a.initiatorMayApprove
      ) {
        out.push(
          `approvals.initiatorMayApprove: expected ${e.approvals.initiatorMayApprove}, got ${a.initiatorMayApprove}`,
        );
      }
      if (e.approvals.groups) {
        const key = (gs: { group: string; threshold: number }[]) =>
          gs
            .map((g) => `${g.group}>=${g.threshold}`)
            .sort()
            .join(', ');
        if (key(e.approvals.groups) !== key(a.groups))
          out.push(`approvals.groups: expected ${key(e.approvals.groups)}, got ${key(a.groups)}`);
      }
    }
  }
  return out;
}
