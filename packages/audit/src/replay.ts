// Decision replay: re-evaluates every recorded policy decision with the policy version that was
// in force when it was made (the version the decision names by hash, checked against the log and
// its evaluation instant: policy-history.ts), and lists every decision whose recorded outcome differs from what
// the evaluator computes now. The policy evaluator is a pure function (ARCHITECTURE §3), so a
// replay on an auditor's laptop must reproduce every node's decision exactly.
//
// The evaluator is pluggable (`DecisionReplayer`); `evaluatorReplayer` adapts any pure
// `(policy, request, intent, ledger, now) -> decision` function, such as @cairn/policy's.
import { canonicalJson, type JsonValue } from './canonical.ts';
import { type EntryOf, parseEntry } from './entry.ts';
import { entryLineSchema } from './export-format.ts';
import { PolicyHistory, type PolicyEntry } from './policy-history.ts';

export type DecisionEntry = EntryOf<'policy.decided'>;

export interface ReplayContext {
  /**
   * The `policy.changed` entry the decision was made under: the one whose hash the decision
   * names, logged before it and in force at its evaluation instant.
   */
  policy: PolicyEntry;
}

/** Re-evaluates one recorded decision. */
export interface DecisionReplayer {
  replay(entry: DecisionEntry, context: ReplayContext): { expected: JsonValue; actual: JsonValue };
}

export interface EvaluatorInput {
  policy: JsonValue;
  request: JsonValue;
  intent: JsonValue;
  ledger: JsonValue;
  prices?: JsonValue;
  now: string;
}

/** A pure policy evaluator; the returned decision is compared canonically with the recorded one. */
export type PolicyEvaluator = (input: EvaluatorInput) => JsonValue;

/** A replayer over a pure evaluator: expected = recorded outcome, actual = evaluate(inputs). */
export function evaluatorReplayer(evaluate: PolicyEvaluator): DecisionReplayer {
  return {
    replay(entry, context) {
      const inputs = entry.data.inputs!;
      return {
        expected: entry.data.outcome,
        actual: evaluate({
          policy: context.policy.data.document,
          request: inputs.request,
          intent: inputs.intent,
          ledger: inputs.ledger,
          ...(inputs.prices === undefined ? {} : { prices: inputs.prices }),
          now: inputs.now,
        }),
      };
    },
  };
}

export interface ReplayMismatch {
  index: number;
  requestId: string;
  reason: 'outcome' | 'policy-version' | 'evaluator-error';
  message: string;
  expected?: JsonValue;
  actual?: JsonValue;
}

export interface ReplayReport {
  ok: boolean;
  entries: number;
  decisions: number;
  replayed: number;
  matched: number;
  /** Total mismatches (the list below is capped). */
  mismatchCount: number;
  mismatches: ReplayMismatch[];
  notReplayableCount: number;
  /** Decisions that cannot be replayed (no recorded inputs, or their policy is not in the export). */
  notReplayable: { index: number; requestId: string; reason: string }[];
  /** Lines that are not valid entries (run `cairn audit verify` for the full story). */
  malformed: number;
}

export interface ReplayParameters {
  lines: AsyncIterable<string> | Iterable<string>;
  replayer: DecisionReplayer;
  /** Mismatches and unreplayable decisions kept in the report (default 100). */
  maxListed?: number;
}

/**
 * Replays every decision in an export, in log order. Each decision is replayed under the policy
 * version whose hash it names (policy-history.ts); a named hash that no earlier `policy.changed`
 * entry records is a `policy-version` mismatch when the export starts at the log's first entry,
 * and "not replayable" in a range export (the version may predate the range).
 */
export async function replayExport(p: ReplayParameters): Promise<ReplayReport> {
  const max = p.maxListed ?? 100;
  const report: ReplayReport = {
    ok: false,
    entries: 0,
    decisions: 0,
    replayed: 0,
    matched: 0,
    mismatchCount: 0,
    mismatches: [],
    notReplayableCount: 0,
    notReplayable: [],
    malformed: 0,
  };
  const policies = new PolicyHistory();
  /** Index of the export's first entry: 0 for a full export, more for a range export. */
  let firstIndex: number | undefined;
  for await (const line of p.lines) {
    if (!line.startsWith('{"entry":')) continue;
    let index: number;
    let entry: ReturnType<typeof parseEntry>;
    try {
      const r = entryLineSchema.parse(JSON.parse(line));
      index = r.index;
      entry = parseEntry(r.entry);
    } catch {
      report.malformed++;
      continue;
    }
    report.entries++;
    firstIndex ??= index;
    if (entry.kind === 'policy.changed') {
      policies.record(entry, index);
      continue;
    }
    if (entry.kind !== 'policy.decided') continue;
    report.decisions++;
    const requestId = entry.data.requestId;
    const unreplayable = (reason: string) => {
      report.notReplayableCount++;
      if (report.notReplayable.length < max) report.notReplayable.push({ index, requestId, reason });
    };
    const mismatch = (m: ReplayMismatch) => {
      report.mismatchCount++;
      if (report.mismatches.length < max) report.mismatches.push(m);
    };
    if (!entry.data.inputs) {
      unreplayable('the decision does not record its inputs');
      continue;
    }
    const resolved = policies.resolve(entry, Date.parse(entry.data.inputs.now));
    if (resolved.kind === 'unknown' && firstIndex !== 0) {
      unreplayable(
        policies.has(entry.data.policy.id)
          ? `${resolved.message}; this range export starts at entry ${firstIndex}, the version may predate it`
          : `policy '${entry.data.policy.id}' has no version in the export before this decision`,
      );
      continue;
    }
    report.replayed++;
    if (resolved.kind !== 'found') {
      mismatch({ index, requestId, reason: 'policy-version', message: resolved.message });
      continue;
    }
    const inForce = resolved.policy;
    let result: { expected: JsonValue; actual: JsonValue };
    try {
      result = p.replayer.replay(entry, { policy: inForce });
    } catch (error) {
      mismatch({
        index,
        requestId,
        reason: 'evaluator-error',
        message: `evaluator failed: ${(error as Error).message}`,
        expected: entry.data.outcome,
      });
      continue;
    }
    let same: boolean;
    try {
      same = canonicalJson(result.expected) === canonicalJson(result.actual);
    } catch {
      same = false;
    }
    if (same) report.matched++;
    else {
      mismatch({
        index,
        requestId,
        reason: 'outcome',
        message: 'replayed decision differs from the recorded one',
        expected: result.expected,
        actual: result.actual,
      });
    }
  }
  report.ok = report.mismatchCount === 0 && report.notReplayableCount === 0 && report.malformed === 0;
  return report;
}
