// The README's test command: every package's tests through Node's built-in runner, with the
// whole run's output captured and scanned for secret material at the end.
// Extra arguments are passed through: `npm test -- packages/mpc/test/engine.test.ts` runs chosen
// files, `npm test -- --test-name-pattern=frost` filters by name.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLogs } from '@cairn/testkit';

const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'test')),
);
const globs = packages.map((p) => `packages/${p}/test/**/*.test.ts`);
const extra = process.argv.slice(2);
const files = extra.filter((a) => !a.startsWith('-'));
const flags = extra.filter((a) => a.startsWith('-'));

const logDir = mkdtempSync(join(tmpdir(), 'cairn-test-logs-'));
mkdirSync(join(logDir, 'secrets'), { mode: 0o700 });
const runnerLog = createWriteStream(join(logDir, 'test-runner.log'));

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=600000',
    ...flags,
    ...(files.length > 0 ? files : globs),
  ],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CAIRN_TEST: '1', CAIRN_TEST_LOG_DIR: logDir },
  },
);
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  runnerLog.write(chunk);
});
child.stderr.on('data', (chunk: Buffer) => {
  process.stderr.write(chunk);
  runnerLog.write(chunk);
});
const status: number = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
await new Promise<void>((resolve) => runnerLog.end(resolve));

const scan = scanLogs(logDir, join(logDir, 'secrets'));
const summary =
  `secret scan: ${scan.secretsChecked} registered secrets and ${scan.phrasesChecked} passphrases ` +
  `over ${scan.filesScanned} log files (${scan.bytesScanned} bytes)`;
let exitCode = status;
// A whole run (no file filter) must have registered secrets, or the scan could never fail.
const vacuous =
  files.length === 0 && flags.length === 0 && (scan.secretsChecked === 0 || scan.phrasesChecked === 0);
if (scan.leaks.length > 0) {
  process.stderr.write(`${summary}: LEAK — secret material found in logs:\n`);
  for (const leak of scan.leaks) {
    process.stderr.write(`  ${leak.kind} secret #${leak.secret} at offset ${leak.offset} of ${leak.file}\n`);
  }
  process.stderr.write(`logs kept in ${logDir} for inspection\n`);
  exitCode = exitCode || 1;
} else if (vacuous) {
  process.stderr.write(`${summary}: FAILED — no secrets were registered, so the scan proves nothing\n`);
  exitCode = exitCode || 1;
} else {
  process.stdout.write(`${summary}: no secret material found\n`);
  rmSync(logDir, { recursive: true, force: true });
}
process.exit(exitCode);
