// Reading policies from files for the what-if tools (docs/policy.md §8). A file holds either a
// bare policy document (cairn.policy/v1) or a whole governed state (cairn.governed-state/v1),
// as JSON or YAML. A bare document is evaluated with a context (users, groups, address book)
// given separately, or an empty one.
import { parse as parseYaml } from 'yaml';
import { compilePolicy, type CompiledPolicy, compileState } from './compile.ts';
import { POLICY_FORMAT, parsePolicyDocument, type PolicyDocument } from './document.ts';
import { invalidInput, PolicyError } from './errors.ts';
import {
  type GovernedState,
  type PolicyContext,
  PolicyContextSchema,
  parseGovernedState,
  STATE_FORMAT,
  stateProblems,
} from './state.ts';

export type PolicySource =
  | { kind: 'document'; policy: PolicyDocument }
  | { kind: 'state'; policy: PolicyDocument; state: GovernedState };

/** Parses JSON or YAML text; syntax errors become INVALID_DOCUMENT with the position. */
export function parseStructured(text: string, what: string): unknown {
  try {
    return parseYaml(text, { intAsBigInt: false, maxAliasCount: 100 });
  } catch (e) {
    throw new PolicyError('INVALID_DOCUMENT', `${what} is not valid JSON or YAML: ${(e as Error).message}`);
  }
}

/** A policy document or a governed state, recognised by its `format`. */
export function parsePolicySource(text: string): PolicySource {
  const value = parseStructured(text, 'the policy file');
  const format = (value as { format?: unknown } | null)?.format;
  if (format === STATE_FORMAT) {
    const state = parseGovernedState(value);
    return { kind: 'state', policy: state.policy, state };
  }
  if (format !== POLICY_FORMAT) {
    throw new PolicyError(
      'INVALID_DOCUMENT',
      `unknown format ${JSON.stringify(format)}: expected "${POLICY_FORMAT}" (a policy document) or "${STATE_FORMAT}" (a governed state)`,
    );
  }
  return { kind: 'document', policy: parsePolicyDocument(value) };
}

export function parsePolicyContext(value: unknown): PolicyContext {
  const r = PolicyContextSchema.safeParse(value ?? {});
  if (!r.success) throw invalidInput('INVALID_STATE', 'context', r.error.issues);
  return r.data;
}

/** Compiles a source: a state with its own context, a document with `context` (or none). */
export function compileSource(source: PolicySource, context?: PolicyContext): CompiledPolicy {
  if (source.kind === 'state') return compileState(source.state);
  return compilePolicy({ policy: source.policy, context });
}

export interface ValidationReport {
  kind: PolicySource['kind'];
  name: string;
  version: number;
  rules: number;
  policyHash: string;
  /** Problems that make the policy unusable (cross-references). */
  problems: string[];
  /** Things that are legal but probably wrong (unreachable rules). */
  warnings: string[];
}

/** Validates a policy source and its cross-references; throws only for schema errors. */
export function validatePolicySource(source: PolicySource, context?: PolicyContext): ValidationReport {
  const compiled = compileSource(source, context);
  const ctx = source.kind === 'state' ? source.state : context;
  const problems = ctx
    ? stateProblems({
        ...ctx,
        policy: source.policy,
        ...(source.kind === 'state' ? { adminQuorum: source.state.adminQuorum } : {}),
      })
    : [];
  const warnings: string[] = [];
  if (!ctx) {
    warnings.push(
      'no users, groups or address book given: references to them were not checked (use --context or a governed-state file)',
    );
  }
  // A rule that matches everything and is never skipped makes every later rule unreachable.
  const rules = source.policy.rules;
  const catchAll = rules.findIndex((r) => Object.keys(r.when).length === 0 && r.action.type === 'block');
  const catchAllFallback = rules.findIndex(
    (r) =>
      Object.keys(r.when).length === 1 &&
      r.when.intent &&
      Object.keys(r.when.intent).length === 1 &&
      r.when.intent.allowUnavailable === true,
  );
  const cut = [catchAll, catchAllFallback].filter((i) => i >= 0).sort((a, b) => a - b)[0];
  if (cut !== undefined && cut < rules.length - 1) {
    warnings.push(
      `rules after "${rules[cut]!.id}" (#${cut + 1}) are unreachable: it matches every request: ${rules
        .slice(cut + 1)
        .map((r) => r.id)
        .join(', ')}`,
    );
  }
  return {
    kind: source.kind,
    name: source.policy.name,
    version: source.policy.version,
    rules: rules.length,
    policyHash: compiled.policyHash,
    problems,
    warnings,
  };
}
