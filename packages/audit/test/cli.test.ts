// `cairn audit export | verify | replay` end to end: a log on disk, exported by the CLI,
// verified offline with a keys file, tampered with, and replayed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '@cairn/cli';
import { makeLog, populate, type TestLog } from './helpers.ts';
import { recordDecisions } from './policy-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'cairn-audit-cli-'));

async function cairn(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    cwd: dir,
  });
  return { code, stdout, stderr };
}

describe('cairn audit', () => {
  let t: TestLog;
  before(async () => {
    t = await makeLog({ path: join(dir, 'audit.db') });
    await populate(t, 4);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(t.keysFile, null, 2));
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports, verifies and replays (exit 0 and a clear report)', async () => {
    const ex = await cairn('audit', 'export', '--db', 'audit.db', '--out', 'all.jsonl');
    assert.equal(ex.code, 0, ex.stderr);
    assert.match(ex.stderr, new RegExp(`exported entries #0\\.\\.#${t.log.size - 1}`));
    const v = await cairn('audit', 'verify', 'all.jsonl', '--keys', 'keys.json');
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /RESULT: OK/);
    assert.match(v.stdout, /node-1\.cairn\.test\s+\d+/);
    const vj = await cairn('audit', 'verify', 'all.jsonl', '--keys', 'keys.json', '--json');
    assert.equal(JSON.parse(vj.stdout).entries, t.log.size);
    // These entries use the test evaluator's policy format, not @cairn/policy's: the CLI (wired
    // to @cairn/policy) reports every decision as an evaluator error, and fails.
    const r = await cairn('audit', 'replay', 'all.jsonl', '--json');
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.decisions, 4);
    assert.equal(report.mismatchCount, 4);
  });

  it('replays decisions made with @cairn/policy (exit 0)', async () => {
    const u = await makeLog({ path: join(dir, 'policy.db') });
    await recordDecisions(u, 6);
    const ex = await cairn('audit', 'export', '--db', 'policy.db', '--out', 'policy.jsonl');
    assert.equal(ex.code, 0, ex.stderr);
    const r = await cairn('audit', 'replay', 'policy.jsonl');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /decisions:\s+6/);
    assert.match(r.stdout, /matched:\s+6/);
    assert.match(r.stdout, /RESULT: OK/);
    await u.close();
  });

  it('fails with the first bad entry named when the export is tampered with', async () => {
    await cairn('audit', 'export', '--db', 'audit.db', '--out', 'all.jsonl');
    const lines = readFileSync(join(dir, 'all.jsonl'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"index":7,'));
    lines[i] = lines[i]!.replace('"actor":"', '"actor":"x');
    writeFileSync(join(dir, 'bad.jsonl'), lines.join('\n'));
    const v = await cairn('audit', 'verify', 'bad.jsonl', '--keys', 'keys.json');
    assert.equal(v.code, 1);
    assert.match(v.stdout, /RESULT: FAILED/);
    assert.match(v.stdout, /first bad entry: #7/);
  });

  it('exports CSV and time ranges', async () => {
    const all = readFileSync(join(dir, 'all.jsonl'), 'utf8').split('\n');
    const times = all.filter((l) => l.startsWith('{"entry"')).map((l) => JSON.parse(l).entry.time as string);
    const csv = await cairn('audit', 'export', '--db', 'audit.db', '--format', 'csv');
    assert.equal(csv.code, 0);
    assert.equal(csv.stdout.split('\r\n').filter(Boolean).length, t.log.size + 1);
    const range = await cairn(
      'audit',
      'export',
      '--db',
      'audit.db',
      '--from',
      times[5]!,
      '--to',
      times[12]!,
      '--out',
      'range.jsonl',
    );
    assert.equal(range.code, 0, range.stderr);
    const v = await cairn('audit', 'verify', 'range.jsonl', '--keys', 'keys.json', '--json');
    const report = JSON.parse(v.stdout);
    assert.equal(v.code, 0, v.stdout);
    assert.equal(report.start, 5);
    assert.equal(report.end, 12);
  });

  it('rejects bad usage and bad input with clear errors', async () => {
    assert.equal((await cairn('audit')).code, 2);
    assert.equal((await cairn('audit', 'frobnicate')).code, 2);
    const noKeys = await cairn('audit', 'verify', 'all.jsonl');
    assert.equal(noKeys.code, 2);
    assert.match(noKeys.stderr, /--keys/);
    const missing = await cairn('audit', 'verify', 'nope.jsonl', '--keys', 'keys.json');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error\[NOT_FOUND\]/);
    writeFileSync(
      join(dir, 'badkeys.json'),
      '{"format":"cairn-audit-keys/v1","origin":"x","log":"nope","witnesses":[]}',
    );
    const badKeys = await cairn('audit', 'verify', 'all.jsonl', '--keys', 'badkeys.json');
    assert.equal(badKeys.code, 1);
    assert.match(badKeys.stderr, /error\[INVALID_INPUT\].*MALFORMED_KEYS_FILE/);
    assert.match(
      (await cairn('audit', 'export', '--db', 'audit.db', '--from', 'yesterday')).stderr,
      /ISO 8601/,
    );
    assert.match(
      (await cairn('audit', 'export', '--db', 'audit.db', '--format', 'xml')).stderr,
      /jsonl or csv/,
    );
    assert.match((await cairn('audit', 'export', '--db', 'missing.db')).stderr, /not found/);
    writeFileSync(join(dir, 'garbage.jsonl'), 'hello\n');
    const garbage = await cairn('audit', 'verify', 'garbage.jsonl', '--keys', 'keys.json');
    assert.equal(garbage.code, 1);
    assert.match(garbage.stdout, /MISSING_HEADER/);
    const help = await cairn('audit', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /cairn audit verify EXPORT --keys KEYS|verify EXPORT --keys KEYS/);
  });
});
