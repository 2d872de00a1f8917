import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanLogs, scanLogsForSecrets } from '@cairn/testkit';

const secret = Buffer.from('00112233445566778899aabbccddeeff0123456789abcdef', 'hex');

describe('secret scan', () => {
  it('finds a secret logged as hex, upper-case hex, base64 or base64url, whole or as a 16-byte fragment', () => {
    for (const text of [
      secret.toString('hex'),
      `0x${secret.toString('hex').toUpperCase()}`,
      secret.toString('base64'),
      secret.toString('base64url'),
      `prefix${secret.subarray(3, 19).toString('hex')}suffix`,
      `a${secret.toString('hex')}`, // odd nibble alignment
    ]) {
      assert.ok(scanLogsForSecrets({ text: `{"x":"${text}"}`, secrets: [secret] }).length > 0, text);
    }
  });

  it('finds a passphrase as plain text and passes clean logs', () => {
    assert.equal(
      scanLogsForSecrets({ text: 'pass=hunter2hunter2', secrets: [], phrases: ['hunter2hunter2'] }).length,
      1,
    );
    const clean = '{"event":"sign_job_accepted","requestId":"0123456789abcdef0123456789abcdef"}';
    assert.deepEqual(scanLogsForSecrets({ text: clean, secrets: [secret], phrases: ['hunter2hunter2'] }), []);
  });

  it('scans every file of a run against the registry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    mkdirSync(join(dir, 'secrets'));
    mkdirSync(join(dir, 'processes'));
    writeFileSync(
      join(dir, 'secrets', '1.txt'),
      `s:${secret.toString('hex')}\np:${Buffer.from('a passphrase').toString('hex')}\n`,
    );
    writeFileSync(join(dir, 'processes', 'ok.log'), '{"event":"listening"}\n');
    let result = scanLogs(dir, join(dir, 'secrets'));
    assert.deepEqual(result.leaks, []);
    assert.equal(result.secretsChecked, 1);
    assert.equal(result.phrasesChecked, 1);
    assert.equal(result.filesScanned, 1);
    writeFileSync(join(dir, 'processes', 'bad.log'), 'unlocking with a passphrase\n');
    result = scanLogs(dir, join(dir, 'secrets'));
    assert.equal(result.leaks.length, 1);
    assert.equal(result.leaks[0]!.kind, 'phrase');
  });
});
