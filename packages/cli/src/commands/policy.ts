// `cairn policy`: validate policy files, run policy unit tests, diff a candidate policy against
// history, print the JSON Schema. The logic lives in @cairn/policy; this module parses options,
// reads files and prints.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  compileSource,
  diffPolicies,
  parseDuration,
  parseHistory,
  parsePolicyContext,
  parsePolicySource,
  parseScenarioFile,
  parseStructured,
  PolicyError,
  type PolicyContext,
  type PolicySource,
  policyJsonSchemaText,
  runScenarios,
  validatePolicySource,
} from '@cairn/policy';
import { type CliIo, CliError, type Command, parseOptions } from '../command.ts';

const HELP = `usage: cairn policy <subcommand> [options]

Work with Cairn policy documents (cairn.policy/v1) and governed states
(cairn.governed-state/v1), as JSON or YAML. See docs/policy.md.

subcommands:
  validate FILE [--context FILE] [--json]
      Check a policy document or governed state: schema, references to users, groups and
      address-book entries, unreachable rules. Prints the policy hash. Exit 1 if invalid.

  test FILE SCENARIOS.yaml [--context FILE] [--json]
      Run policy unit tests: each scenario is a request (plus intent, prices, velocity
      history) and the decision it must get. Exit 1 if any scenario fails.

  diff --from FILE --to FILE --history FILE.jsonl [--since 30d] [--now ISO] [--context FILE] [--json]
      Re-evaluate historical requests under the candidate policy (--to) and list every
      decision that would change compared with --from. History is JSONL, one
      {"request", "intent", "prices", "executed"} object per line. --since keeps requests
      submitted within that duration before --now (default: the current time).
      (--from VERSION needs the coordinator's history store, which does not exist yet.)

  schema
      Print the JSON Schema of the policy document.

options:
  --context FILE  users, groups and addressBook for bare policy documents (JSON or YAML)
  --json          machine-readable output
  -h, --help      this help

examples:
  cairn policy validate packages/policy/examples/policy-v1.json --context packages/policy/examples/context.json
  cairn policy test packages/policy/examples/policy-v1.json packages/policy/examples/scenarios.yaml --context packages/policy/examples/context.json
  cairn policy diff --from packages/policy/examples/policy-v1.json --to packages/policy/examples/policy-v2.json \\
    --history packages/policy/examples/history.jsonl --context packages/policy/examples/context.json --since 30d --now 2026-11-25T00:00:00Z
`;

function readText(io: CliIo, path: string, what: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'FAILED',
      `cannot read ${what} ${path}: ${code ?? (e as Error).message}`,
    );
  }
}

/** Runs `fn`, turning policy validation errors into user-facing INVALID_INPUT errors. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PolicyError)
      throw new CliError('INVALID_INPUT', `${e.code}: ${e.message}`, { cause: e });
    throw e;
  }
}

function loadSource(io: CliIo, path: string): PolicySource {
  const text = readText(io, path, 'policy file');
  return guarded(() => parsePolicySource(text));
}

function loadContext(io: CliIo, path: string | undefined): PolicyContext | undefined {
  if (path === undefined) return undefined;
  const text = readText(io, path, 'context file');
  return guarded(() => parsePolicyContext(parseStructured(text, 'the context file')));
}

const json = (io: CliIo, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);

async function validate(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'policy',
    argv,
    { context: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1)
    throw new CliError(
      'USAGE',
      "usage: cairn policy validate FILE [--context FILE] [--json]\nrun 'cairn policy --help' for usage",
    );
  const context = loadContext(io, values.context);
  let report: ReturnType<typeof validatePolicySource>;
  try {
    report = validatePolicySource(parsePolicySource(readText(io, positionals[0]!, 'policy file')), context);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    if (values.json)
      json(io, { valid: false, code: e.code, problems: e.details.length ? e.details : [e.message] });
    else
      io.stdout(
        `invalid: ${positionals[0]}\n  ${(e.details.length ? e.details : [e.message]).join('\n  ')}\n`,
      );
    return 1;
  }
  const valid = report.problems.length === 0;
  if (values.json) json(io, { valid, ...report });
  else {
    io.stdout(
      [
        `${valid ? 'valid' : 'invalid'}: ${positionals[0]} (${report.kind}) "${report.name}" version ${report.version}, ${report.rules} rules`,
        `policy hash: ${report.policyHash}`,
        ...report.problems.map((p) => `problem: ${p}`),
        ...report.warnings.map((w) => `warning: ${w}`),
        '',
      ].join('\n'),
    );
  }
  return valid ? 0 : 1;
}

async function test(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'policy',
    argv,
    { context: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 2) {
    throw new CliError(
      'USAGE',
      "usage: cairn policy test FILE SCENARIOS.yaml [--context FILE] [--json]\nrun 'cairn policy --help' for usage",
    );
  }
  const source = loadSource(io, positionals[0]!);
  const context = loadContext(io, values.context);
  const file = guarded(() => parseScenarioFile(readText(io, positionals[1]!, 'scenarios file')));
  const report = guarded(() => runScenarios({ source, file, context }));
  if (values.json) {
    json(io, {
      passed: report.passed,
      failed: report.failed,
      results: report.results.map((r) => ({
        name: r.name,
        pass: r.pass,
        mismatches: r.mismatches,
        decision: {
          outcome: r.decision.outcome,
          ruleId: r.decision.ruleId,
          code: r.decision.code,
          explanation: r.decision.explanation,
        },
      })),
    });
  } else {
    for (const r of report.results) {
      io.stdout(`${r.pass ? 'pass' : 'FAIL'}  ${r.name}\n`);
      if (!r.pass) {
        for (const m of r.mismatches) io.stdout(`      ${m}\n`);
        io.stdout(`      decision: ${r.decision.explanation}\n`);
      }
    }
    io.stdout(`\n${report.passed} passed, ${report.failed} failed\n`);
  }
  return report.failed === 0 ? 0 : 1;
}

async function diff(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'policy',
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      history: { type: 'string' },
      since: { type: 'string' },
      now: { type: 'string' },
      context: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length > 0 || !values.from || !values.to) {
    throw new CliError(
      'USAGE',
      "usage: cairn policy diff --from FILE --to FILE --history FILE.jsonl [--since 30d] [--json]\nrun 'cairn policy --help' for usage",
    );
  }
  if (/^[0-9]+$/.test(values.from)) {
    throw new CliError(
      'UNAVAILABLE',
      `--from ${values.from}: looking up a policy version needs the coordinator's history store, which is not available yet; pass a policy file`,
    );
  }
  if (!values.history)
    throw new CliError(
      'USAGE',
      '--history FILE.jsonl is required until the coordinator history store exists',
    );
  const context = loadContext(io, values.context);
  const from = guarded(() => compileSource(loadSource(io, values.from!), context));
  const to = guarded(() => compileSource(loadSource(io, values.to!), context));
  const history = guarded(() => parseHistory(readText(io, values.history!, 'history file')));
  let now = Date.now(); // the CLI is the edge: the evaluator itself never reads a clock
  if (values.now !== undefined) {
    now = Date.parse(values.now);
    if (Number.isNaN(now)) throw new CliError('USAGE', `--now ${values.now}: not an ISO 8601 date-time`);
  }
  const since = values.since === undefined ? undefined : now - guarded(() => parseDuration(values.since!));
  const report = diffPolicies({ from, to, history, since });
  if (values.json) {
    json(io, report);
    return 0;
  }
  io.stdout(
    `from ${from.policy.name} v${from.policy.version} (${from.policyHash.slice(0, 12)}…) to ${to.policy.name} v${to.policy.version} (${to.policyHash.slice(0, 12)}…)\n`,
  );
  io.stdout(
    `${report.evaluated} requests re-evaluated${since === undefined ? '' : ` since ${new Date(since).toISOString()}`}, ${report.changed} decisions would change\n`,
  );
  for (const [t, n] of Object.entries(report.transitions).sort()) io.stdout(`  ${t}: ${n}\n`);
  for (const c of report.changes) {
    const d = (s: typeof c.from) =>
      `${s.outcome}${s.ruleId ? ` (${s.ruleId})` : ''}${s.approvals ? ` [${s.approvals}]` : ''}`;
    io.stdout(
      `${c.requestId}  ${new Date(c.submittedAt).toISOString()}  ${c.initiator}: ${d(c.from)} -> ${d(c.to)}\n`,
    );
  }
  return 0;
}

export const command: Command = {
  name: 'policy',
  summary: 'validate, test and diff policies; print the policy JSON Schema',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'validate':
        return validate(rest, io);
      case 'test':
        return test(rest, io);
      case 'diff':
        return diff(rest, io);
      case 'schema':
        if (rest.length > 0 && !(rest.length === 1 && rest[0] === '--json'))
          throw new CliError('USAGE', 'usage: cairn policy schema');
        io.stdout(policyJsonSchemaText());
        return 0;
      default:
        throw new CliError(
          'USAGE',
          `${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}\n\n${HELP}`,
        );
    }
  },
};
