// The operator commands' surface without a cluster: --help, usage errors, and a clear error
// when no coordinator is running.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '@cairn/chains';
import { cairn } from './e2e-harness.ts';

describe('cairn operator commands (no cluster)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every command has --help with --json documented', async () => {
    for (const name of ['dev', 'vault', 'send', 'request', 'nodes']) {
      const r = await cairn(dir, [name, '--help']);
      assert.equal(r.code, 0, name);
      assert.match(r.stdout, new RegExp(`usage: cairn ${name}`));
      assert.match(r.stdout, /--json/);
    }
    const top = await cairn(dir, ['--help']);
    for (const name of ['dev', 'vault', 'send', 'request', 'nodes'])
      assert.match(top.stdout, new RegExp(`\\n  ${name} `));
  });

  it('usage errors exit 2 with a pointer to --help', async () => {
    const r = await cairn(dir, ['send', '--vault', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error\[USAGE\]: send needs --vault N --to ADDR --amount X/);
    const bad = await cairn(dir, ['vault', 'create', '--name', 'x', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cairn vault --help/);
  });

  it('says clearly when the coordinator is not reachable', async () => {
    const port = await freePort();
    const r = await cairn(dir, ['nodes', 'status', '--api', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[UNAVAILABLE\]: cannot reach the coordinator at http:\/\/127\.0\.0\.1:\d+/);
    const send = await cairn(dir, [
      'send',
      '--vault',
      'v',
      '--to',
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      '--amount',
      '1',
    ]);
    assert.equal(send.code, 1);
    assert.match(send.stderr, /error\[NOT_FOUND\]: .*initiator key/);
  });
});
