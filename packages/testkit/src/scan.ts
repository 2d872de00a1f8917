// Scans captured logs for secret material. Tests that create or load secrets (key shares,
// passphrases, private keys) register them with `registerTestSecret` (./secrets.ts); every process spawned by a test writes its output under
// CAIRN_TEST_LOG_DIR; after the run, this scan looks for each secret in every log file, as
// lowercase and uppercase hex and base64/base64url, and fails the run without printing them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ScanResult {
  filesScanned: number;
  bytesScanned: number;
  secretsChecked: number;
  leaks: { file: string; secretIndex: number; encoding: string }[];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** The encodings a leaked secret could take in a log line. */
export function encodingsOf(secret: Uint8Array): [string, string][] {
  const buf = Buffer.from(secret);
  const hex = buf.toString('hex');
  return [
    ['hex', hex],
    ['HEX', hex.toUpperCase()],
    ['base64', buf.toString('base64').replace(/=+$/, '')],
    ['base64url', buf.toString('base64url')],
    ['decimal-bytes', `${[...buf.subarray(0, 12)].join(',')},`],
  ];
}

export function scanLogs(logDir: string, secretsDir: string): ScanResult {
  const secrets: Uint8Array[] = [];
  for (const file of listFiles(secretsDir)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/^[0-9a-f]+$/.test(line) && line.length >= 32) secrets.push(Buffer.from(line, 'hex'));
    }
  }
  const patterns = secrets.map((s, i) => ({ i, encodings: encodingsOf(s) }));
  const result: ScanResult = { filesScanned: 0, bytesScanned: 0, secretsChecked: secrets.length, leaks: [] };
  for (const file of listFiles(logDir)) {
    if (file.startsWith(secretsDir)) continue;
    const text = readFileSync(file, 'latin1');
    result.filesScanned++;
    result.bytesScanned += text.length;
    for (const { i, encodings } of patterns) {
      for (const [encoding, needle] of encodings) {
        if (text.includes(needle)) result.leaks.push({ file, secretIndex: i, encoding });
      }
    }
  }
  return result;
}
