// `npm run bench -- <suite>`: runs bench/<suite>.bench.ts, which prints one JSON line per case.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Standard output carries only result lines (harness.report writes them). Anything else that
// libraries print through console (e.g. a WASM peer's logger) goes to standard error.
for (const level of ['log', 'info', 'debug', 'warn'] as const) {
  console[level] = (...args: unknown[]) => console.error(...args);
}

const dir = import.meta.dirname;
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (wanted.length === 0) {
  process.stderr.write(`usage: npm run bench -- <suite> [<suite> …]\nsuites: ${suites.join(', ')}\n`);
  process.exit(2);
}
for (const suite of wanted) {
  const file = join(dir, `${suite}.bench.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`unknown benchmark suite "${suite}"; suites: ${suites.join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: running suite ${suite}\n`);
  const mod = (await import(pathToFileURL(file).href)) as { default: () => Promise<void> };
  await mod.default();
}
