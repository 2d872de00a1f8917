// Bad input at the CLI boundary gets a typed error and a non-zero exit before anything is sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '@cairn/cli';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  // No coordinator listens on port 9: a command that reached the network would fail UNAVAILABLE.
  const code = await main([...argv, '--api', 'http://127.0.0.1:9'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { CAIRN_DEV_DIR: '/nonexistent-cairn-dev' },
    cwd: '/',
  });
  return { code, stdout, stderr };
}

const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('cairn input validation', () => {
  for (const [argv, pattern] of [
    [['send', '--vault', 'v', '--to', 'nothex', '--amount', '1'], /error\[INVALID_INPUT\]: --to must be/],
    [['send', '--vault', 'v', '--to', to, '--amount', '0'], /error\[INVALID_INPUT\]: --amount must be/],
    [['send', '--vault', 'v', '--to', to, '--amount', '1e18'], /error\[INVALID_INPUT\]: --amount must be/],
    [
      ['send', '--vault', 'v', '--to', to, '--amount', '1', '--token', 'usdc'],
      /error\[INVALID_INPUT\]: --token must be/,
    ],
    [['send', '--vault', 'v', '--to', to], /error\[USAGE\]/],
    [['send', '--vault', 'v', '--to', to, '--amount', '1', '--bogus'], /error\[USAGE\]/],
    [
      ['vault', 'create', '--name', 't', '--threshold', '1'],
      /error\[USAGE\]: --threshold must be an integer >= 2/,
    ],
    [['vault', 'create', '--name', 't', '--threshold', 'two'], /error\[USAGE\]: --threshold/],
  ] as const) {
    it(`refuses: cairn ${argv.join(' ')}`, async () => {
      const r = await run([...argv]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(
        r.stderr,
        /UNAVAILABLE|at .*\.ts:\d+/,
        'rejected before any network call, without a stack trace',
      );
    });
  }

  it('an unreachable coordinator is a clear UNAVAILABLE error, its code said once', async () => {
    const r = await run(['nodes', 'status']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error\[UNAVAILABLE\]: cannot reach the coordinator at http:\/\/127\.0\.0\.1:9/);
  });
});
