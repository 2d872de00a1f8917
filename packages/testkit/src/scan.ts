// Secret-material scan over captured logs. Tests that create or load secrets (key shares,
// identity keys, wrapping keys, passphrases) register them with `registerTestSecret` /
// `registerTestPhrase` (./secrets.ts); every process spawned by a test writes its output under
// CAIRN_TEST_LOG_DIR; after the run, `scanLogs` looks for each secret in every log file and the
// run fails without printing them.
//
// Detection: every run of hex (16+ bytes) and base64 / base64url (16+ bytes) in the text is
// decoded, and a finding is reported when those bytes share a 16-byte run with a secret (so a
// leaked fragment counts, whatever its alignment); passphrases are searched as plain text.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LogScanFinding {
  kind: 'hex' | 'base64' | 'phrase';
  /** Which secret (index into `secrets`, or into `phrases` for kind 'phrase'). */
  secret: number;
  /** Where in the text (character offset) and a short excerpt, with the match itself elided. */
  offset: number;
}

export interface LogScanParameters {
  text: string;
  secrets: readonly Uint8Array[];
  phrases?: readonly string[];
  /** Shortest decoded fragment that counts as a leak (default 16 bytes). */
  minBytes?: number;
}

export function scanLogsForSecrets(params: LogScanParameters): LogScanFinding[] {
  const minBytes = params.minBytes ?? 16;
  const secrets = params.secrets.map((s) => Buffer.from(s));
  const findings: LogScanFinding[] = [];
  const check = (kind: 'hex' | 'base64', bytes: Buffer, offset: number) => {
    if (bytes.length < minBytes) return;
    secrets.forEach((secret, i) => {
      if (secret.length >= minBytes && contains(secret, bytes, minBytes))
        findings.push({ kind, secret: i, offset });
    });
  };
  for (const m of params.text.matchAll(/(?:0x)?([0-9a-fA-F]{32,})/g)) {
    const digits = m[1]!;
    // Try both nibble alignments: a leak may start mid-byte in a longer hex string.
    for (const start of [0, 1]) {
      const even = digits.slice(start, start + Math.floor((digits.length - start) / 2) * 2);
      check('hex', Buffer.from(even, 'hex'), m.index);
    }
  }
  for (const m of params.text.matchAll(/[A-Za-z0-9+/_-]{22,}={0,2}/g)) {
    const token = m[0].replace(/-/g, '+').replace(/_/g, '/');
    check('base64', Buffer.from(token, 'base64'), m.index);
  }
  (params.phrases ?? []).forEach((phrase, i) => {
    let at = params.text.indexOf(phrase);
    while (at >= 0) {
      findings.push({ kind: 'phrase', secret: i, offset: at });
      at = params.text.indexOf(phrase, at + 1);
    }
  });
  return findings;
}

/** True when `fragment` shares a run of at least `minBytes` bytes with `secret`. */
function contains(secret: Buffer, fragment: Buffer, minBytes: number): boolean {
  // Slide a minBytes window over the fragment: any window found inside the secret is a leak.
  for (let i = 0; i + minBytes <= fragment.length; i++) {
    if (secret.indexOf(fragment.subarray(i, i + minBytes)) >= 0) return true;
  }
  return false;
}

export interface ScanResult {
  filesScanned: number;
  bytesScanned: number;
  secretsChecked: number;
  phrasesChecked: number;
  leaks: { file: string; kind: LogScanFinding['kind']; secret: number; offset: number }[];
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Reads the registry written by registerTestSecret / registerTestPhrase. */
export function readRegistry(secretsDir: string): { secrets: Uint8Array[]; phrases: string[] } {
  const secrets: Uint8Array[] = [];
  const phrases: string[] = [];
  for (const file of listFiles(secretsDir)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^(s|p):([0-9a-f]+)$/.exec(line);
      if (!m) continue;
      const bytes = Buffer.from(m[2]!, 'hex');
      if (m[1] === 's') secrets.push(new Uint8Array(bytes));
      else phrases.push(bytes.toString('utf8'));
    }
  }
  return { secrets, phrases };
}

/** Scans every file under `logDir` (except the registry) for every registered secret. */
export function scanLogs(logDir: string, secretsDir: string): ScanResult {
  const { secrets, phrases } = readRegistry(secretsDir);
  const result: ScanResult = {
    filesScanned: 0,
    bytesScanned: 0,
    secretsChecked: secrets.length,
    phrasesChecked: phrases.length,
    leaks: [],
  };
  for (const file of listFiles(logDir)) {
    if (file.startsWith(secretsDir)) continue;
    const text = readFileSync(file, 'utf8');
    result.filesScanned++;
    result.bytesScanned += text.length;
    for (const f of scanLogsForSecrets({ text, secrets, phrases })) result.leaks.push({ file, ...f });
  }
  return result;
}
