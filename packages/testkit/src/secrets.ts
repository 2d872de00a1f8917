// Test-run secret registry: tests that create or load secrets (shares, identity keys,
// passphrases) register them here, and the run's final log scan (./scan.ts, run by
// scripts/test.ts) fails if any appears in any captured log. Outside a test run (no
// CAIRN_TEST_LOG_DIR) registering does nothing.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Directory where the current test run collects logs, if any. */
export function testLogDir(): string | undefined {
  return process.env.CAIRN_TEST_LOG_DIR || undefined;
}

function register(kind: 's' | 'p', bytes: Uint8Array): void {
  const dir = testLogDir();
  if (!dir) return;
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  appendFileSync(join(secrets, `${process.pid}.txt`), `${kind}:${Buffer.from(bytes).toString('hex')}\n`, {
    mode: 0o600,
  });
}

/** Registers secret bytes (a share, a private key, a wrapping key) for the run's log scan. */
export function registerTestSecret(secret: Uint8Array): void {
  if (secret.length >= 16) register('s', secret);
}

/** Registers a passphrase, searched for as plain text in every log. */
export function registerTestPhrase(phrase: string): void {
  if (phrase.length >= 8) register('p', new TextEncoder().encode(phrase));
}
