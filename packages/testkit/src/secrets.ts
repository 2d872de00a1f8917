// Test-run secret registry: code under test that creates secrets (shares, passphrases, keys)
// in a test run registers them here, and the run's final log scan (scripts/secret-scan.ts)
// fails if any appears in any captured log. Outside a test run (no CAIRN_TEST_LOG_DIR) this
// does nothing, so production code may call it freely.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Directory where spawned processes of the current test run write their logs, if any. */
export function testLogDir(): string | undefined {
  return process.env.CAIRN_TEST_LOG_DIR || undefined;
}

/** Registers secret bytes (at least 16) to be searched for in every log of the test run. */
export function registerTestSecret(secret: Uint8Array | string): void {
  const dir = testLogDir();
  if (!dir) return;
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (bytes.length < 16) return; // too short to search for without false alarms
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  appendFileSync(join(secrets, `${process.pid}.txt`), `${Buffer.from(bytes).toString('hex')}\n`, {
    mode: 0o600,
  });
}
