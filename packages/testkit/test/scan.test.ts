import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanLogs } from '@cairn/testkit';

describe('secret scan', () => {
  const setup = (log: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    mkdirSync(join(dir, 'secrets'));
    const secret = Buffer.from('00112233445566778899aabbccddeeff0123456789abcdef', 'hex');
    writeFileSync(join(dir, 'secrets', '1.txt'), `${secret.toString('hex')}\n`);
    writeFileSync(join(dir, 'node.log'), log);
    return { dir, secret };
  };

  it('finds a secret logged as hex, upper-case hex or base64', () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff0123456789abcdef', 'hex');
    for (const [encoding, text] of [
      ['hex', secret.toString('hex')],
      ['HEX', secret.toString('hex').toUpperCase()],
      ['base64', secret.toString('base64')],
    ] as const) {
      const { dir } = setup(`{"event":"x","share":"${text}"}\n`);
      const result = scanLogs(dir, join(dir, 'secrets'));
      assert.equal(result.leaks.length >= 1, true, encoding);
      assert.equal(result.leaks[0]!.encoding, encoding);
    }
  });

  it('passes clean logs', () => {
    const { dir } = setup('{"event":"sign_job_accepted","requestId":"abc"}\n');
    const result = scanLogs(dir, join(dir, 'secrets'));
    assert.deepEqual(result.leaks, []);
    assert.equal(result.secretsChecked, 1);
    assert.equal(result.filesScanned, 1);
  });
});
