// The README's test command: every package's tests, through Node's built-in runner.
// Extra arguments are passed through, e.g. `npm test -- --test-name-pattern=frost`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'test')),
);
const globs = packages.map((p) => `packages/${p}/test/**/*.test.ts`);
const extra = process.argv.slice(2);
const files = extra.filter((a) => !a.startsWith('-'));
const flags = extra.filter((a) => a.startsWith('-'));

const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    '--test-timeout=600000',
    ...flags,
    ...(files.length > 0 ? files : globs),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CAIRN_TEST: '1' } },
);
process.exit(result.status ?? 1);
