import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanLogsForSecrets } from './log-scan.ts';

describe('log scan', () => {
  const secret = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it('finds a secret or a fragment of one in hex, base64 and base64url, at any alignment', () => {
    const fragment = secret.subarray(13, 45);
    for (const text of [
      `{"x":"0x${hexOf(secret)}"}`,
      `share=${hexOf(fragment).toUpperCase()}`,
      `a${hexOf(fragment).slice(1)}f`,
      `{"b64":"${Buffer.from(fragment).toString('base64')}"}`,
      `token ${Buffer.from(secret).toString('base64url')}`,
    ]) {
      assert.ok(scanLogsForSecrets({ text, secrets: [secret] }).length > 0, text);
    }
    assert.equal(
      scanLogsForSecrets({ text: 'pw=hunter2 again', secrets: [], phrases: ['hunter2'] }).length,
      1,
    );
  });

  it('does not flag unrelated hex', () => {
    const text = `{"publicKey":"0x${'ab'.repeat(33)}","digest":"0x${hexOf(secret.map((b) => b ^ 0xff))}"}`;
    assert.deepEqual(scanLogsForSecrets({ text, secrets: [secret] }), []);
  });
});
