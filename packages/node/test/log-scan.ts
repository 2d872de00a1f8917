// Log scan for secrets: finds share material, private keys and passphrases in captured logs.
// Every run of hex (16+ bytes) and base64 / base64url (16+ bytes) in the text is decoded, and a
// finding is reported when those bytes occur anywhere inside a secret (so a leaked fragment of a
// share counts, whatever its alignment); passphrases are searched as plain text.
//
// Usage from a test: `scanLogsForSecrets({ text, secrets: [share.secretBytes(), ...], phrases: [passphrase] })`.
// From the command line: `node packages/node/test/log-scan.ts LOGFILE SECRETS.json`, where the
// JSON file is `{ "secretsHex": ["0x…"], "phrases": ["…"] }`; exits 1 on any finding.
import { readFileSync } from 'node:fs';

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

if (import.meta.main) {
  const [logFile, secretsFile] = process.argv.slice(2);
  if (!logFile || !secretsFile) {
    process.stderr.write('usage: node packages/node/test/log-scan.ts LOGFILE SECRETS.json\n');
    process.exit(2);
  }
  const spec = JSON.parse(readFileSync(secretsFile, 'utf8')) as { secretsHex?: string[]; phrases?: string[] };
  const findings = scanLogsForSecrets({
    text: readFileSync(logFile, 'utf8'),
    secrets: (spec.secretsHex ?? []).map((h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'))),
    phrases: spec.phrases ?? [],
  });
  for (const f of findings) process.stdout.write(`${JSON.stringify(f)}\n`);
  process.stdout.write(`${findings.length} finding(s)\n`);
  process.exit(findings.length > 0 ? 1 : 0);
}
