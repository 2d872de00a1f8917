// Hand-over to the run-wide secret scan, for tests that start real node processes: before a
// cluster's directory is removed, its process logs are copied into the test run's log directory
// and every node's secrets (passphrase, wrapping key, identity keys, key shares) are registered,
// so the scan at the end of `npm test` checks all of them against every captured log.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ShareStore, unlockNode } from '@cairn/node';
import { registerTestPhrase, registerTestSecret, testLogDir } from './secrets.ts';

/** Copies log files into the run's log directory under `group` (nothing outside `npm test`). */
export function handOverLogs(group: string, files: readonly string[]): void {
  const runDir = testLogDir();
  if (!runDir) return;
  const target = join(runDir, 'processes', `${process.pid}-${group}`);
  mkdirSync(target, { recursive: true });
  for (const f of files) if (existsSync(f)) copyFileSync(f, join(target, basename(f)));
}

/**
 * Registers a node's passphrase and, by unlocking its data directory, its wrapping key, identity
 * keys and every stored key share. A data directory that cannot be unlocked (a test damaged or
 * removed it on purpose) registers only the passphrase.
 */
export async function registerNodeSecrets(p: {
  dataDir: string;
  nodeId: string;
  passphrase: string;
}): Promise<void> {
  if (!testLogDir()) return;
  registerTestPhrase(p.passphrase);
  let unlocked: Awaited<ReturnType<typeof unlockNode>>;
  try {
    // kdfLogN only applies when initialising; an existing directory keeps its own parameters.
    unlocked = await unlockNode({ ...p, kdfLogN: 15 });
  } catch {
    return;
  }
  try {
    registerTestSecret(unlocked.wrappingKey);
    registerTestSecret(unlocked.identity.signingSecretKey);
    registerTestSecret(unlocked.identity.encryptionSecretKey);
    const shares = new ShareStore({ db: unlocked.db, nodeId: p.nodeId, wrappingKey: unlocked.wrappingKey });
    const rows = unlocked.db.prepare('SELECT key_id, version FROM shares').all() as {
      key_id: string;
      version: number;
    }[];
    for (const r of rows) registerTestSecret(shares.get(r.key_id, r.version).secretBytes());
  } finally {
    unlocked.db.close();
  }
}
