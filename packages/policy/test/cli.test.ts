// `cairn policy` on the example files: validate, test, diff, schema, and bad input.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '@cairn/cli';

const root = join(import.meta.dirname, '..', '..', '..');
const E = 'packages/policy/examples';
const tmp = mkdtempSync(join(tmpdir(), 'cairn-policy-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function cairn(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    cwd: root,
  });
  return { code, stdout, stderr };
}

/** `cairn policy diff --from <from> --to <to> --history <example history> ...rest`. */
const diff = (from: string, to: string, ...rest: string[]) =>
  cairn('policy', 'diff', '--from', from, '--to', to, '--history', `${E}/history.jsonl`, ...rest);

describe('cairn policy', () => {
  it('--help documents every subcommand', async () => {
    const r = await cairn('policy', '--help');
    assert.equal(r.code, 0);
    for (const s of ['validate', 'test', 'diff', 'schema', '--json']) assert.match(r.stdout, new RegExp(s));
  });
  it('validate: a document with context, a governed state, and --json', async () => {
    const a = await cairn('policy', 'validate', `${E}/policy-v1.json`, '--context', `${E}/context.json`);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /valid: .* version 1, 11 rules\npolicy hash: [0-9a-f]{64}/);
    const b = await cairn('policy', 'validate', `${E}/state.json`, '--json');
    assert.equal(b.code, 0);
    const j = JSON.parse(b.stdout);
    assert.equal(j.valid, true);
    assert.equal(j.kind, 'state');
    assert.deepEqual(j.problems, []);
  });
  it('validate: schema errors, dangling references and unreachable rules', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'cairn.policy/v1',
        version: 1,
        name: 'x',
        timezone: 'Mars/Olympus',
        pricing: { maxAgeSeconds: 60 },
        rules: [{ id: 'a', when: { amount: { gt: '1.5' } }, action: { type: 'allow' } }],
      }),
    );
    const r = await cairn('policy', 'validate', bad, '--json');
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.valid, false);
    assert.ok(j.problems.some((p: string) => /timezone/.test(p)));
    assert.ok(j.problems.some((p: string) => /rules\.0\.when\.amount\.gt/.test(p)));
    const dangling = join(tmp, 'dangling.json');
    writeFileSync(
      dangling,
      JSON.stringify({
        format: 'cairn.policy/v1',
        version: 1,
        name: 'x',
        timezone: 'UTC',
        pricing: { maxAgeSeconds: 60 },
        rules: [
          { id: 'stop', when: {}, action: { type: 'block', reason: 'all' } },
          { id: 'q', when: { initiator: { groups: ['ghosts'] } }, action: { type: 'allow' } },
        ],
      }),
    );
    const d = await cairn('policy', 'validate', dangling, '--context', `${E}/context.json`);
    assert.equal(d.code, 1);
    assert.match(d.stdout, /unknown group "ghosts"/);
    assert.match(d.stdout, /warning: rules after "stop" \(#1\) are unreachable/);
  });
  it('validate: unreadable and non-JSON files are clear errors', async () => {
    const missing = await cairn('policy', 'validate', 'nope.json');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[NOT_FOUND\]/);
    const garbage = join(tmp, 'garbage.json');
    writeFileSync(garbage, '{ "format": ');
    const g = await cairn('policy', 'validate', garbage);
    assert.equal(g.code, 1);
    assert.match(g.stdout, /not valid JSON or YAML/);
  });
  it('test: the example scenarios pass', async () => {
    const r = await cairn(
      'policy',
      'test',
      `${E}/policy-v1.json`,
      `${E}/scenarios.yaml`,
      '--context',
      `${E}/context.json`,
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /18 passed, 0 failed/);
  });
  it('test: the same scenarios against the candidate v2 fail where the policy changed', async () => {
    const r = await cairn(
      'policy',
      'test',
      `${E}/policy-v2.json`,
      `${E}/scenarios.yaml`,
      '--context',
      `${E}/context.json`,
      '--json',
    );
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    const failed = j.results.filter((x: { pass: boolean }) => !x.pass).map((x: { name: string }) => x.name);
    assert.ok(failed.includes('50,000 USD exactly is still small'), failed.join('; '));
    assert.ok(j.failed > 0 && j.passed > 0);
  });
  it('test: invalid scenarios are reported with their path', async () => {
    const s = join(tmp, 'bad.yaml');
    writeFileSync(
      s,
      'scenarios:\n  - name: x\n    request: { amount: "1.5" }\n    expect: { outcome: allow }\n',
    );
    const r = await cairn('policy', 'test', `${E}/policy-v1.json`, s, '--context', `${E}/context.json`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[INVALID_INPUT\]: INVALID_SCENARIOS: scenarios\[0\] \(x\)/);
  });
  it('diff: lists changed decisions, with --since and --json', async () => {
    const v1ToV2 = (...rest: string[]) =>
      diff(
        `${E}/policy-v1.json`,
        `${E}/policy-v2.json`,
        '--context',
        `${E}/context.json`,
        '--now',
        '2026-11-25T00:00:00Z',
        ...rest,
      );
    const all = await v1ToV2('--json');
    assert.equal(all.code, 0, all.stderr);
    const j = JSON.parse(all.stdout);
    assert.equal(j.evaluated, 400);
    assert.ok(j.changed > 0);
    assert.equal(j.changed, j.changes.length);
    assert.ok(
      j.changes.every(
        (c: {
          from: { outcome: string; approvals: string | null };
          to: { outcome: string; approvals: string | null };
        }) => c.from.outcome !== c.to.outcome || c.from.approvals !== c.to.approvals,
      ),
    );
    const recent = JSON.parse((await v1ToV2('--since', '5d', '--json')).stdout);
    assert.ok(recent.evaluated < 400 && recent.evaluated > 0);
    const same = JSON.parse(
      (await diff(`${E}/policy-v1.json`, `${E}/policy-v1.json`, '--context', `${E}/context.json`, '--json'))
        .stdout,
    );
    assert.equal(same.changed, 0);
    const text = await v1ToV2();
    assert.match(text.stdout, /400 requests re-evaluated, \d+ decisions would change/);
  });
  it('diff: a version id needs the history store; bad durations are usage errors', async () => {
    const v = await diff('3', `${E}/policy-v2.json`);
    assert.match(v.stderr, /error\[UNAVAILABLE\]/);
    const d = await diff(`${E}/policy-v1.json`, `${E}/policy-v2.json`, '--since', 'a month');
    assert.equal(d.code, 1);
    assert.match(d.stderr, /not a duration/);
    const u = await cairn('policy', 'diff', '--to', `${E}/policy-v2.json`);
    assert.equal(u.code, 2);
  });
  it('schema prints the published JSON Schema', async () => {
    const r = await cairn('policy', 'schema');
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).$id, 'https://cairn.dev/schema/policy/v1.json');
  });
  it('unknown subcommands are usage errors', async () => {
    const r = await cairn('policy', 'frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown subcommand/);
  });
});
