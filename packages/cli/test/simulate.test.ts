import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Anvil, freePort, startAnvil } from '@cairn/chains';
import { type IntentReport, reportDigest } from '@cairn/intent';
import { main } from '../src/main.ts';

const VAULT = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const ALICE = '0x70997970c51812dc3a10c5e1f61d89e2f6ab2c80';

async function cairn(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: {},
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

describe('cairn simulate', () => {
  let anvil: Anvil;
  let dir: string;
  before(async () => {
    anvil = await startAnvil();
    dir = mkdtempSync(join(tmpdir(), 'cairn-simulate-'));
  });
  after(async () => {
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the summary first, then asset changes, approvals, findings and details', async () => {
    const book = join(dir, 'book.json');
    writeFileSync(book, JSON.stringify({ entries: [{ address: ALICE, label: 'Alice' }] }));
    const r = await cairn([
      'simulate',
      '--rpc',
      anvil.rpcUrl,
      '--from',
      VAULT,
      '--to',
      ALICE,
      '--value',
      '1500000000000000000',
      '--address-book',
      book,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const at = (s: string) => r.stdout.indexOf(s);
    assert.ok(at('You are about to send 1.5 ETH to') >= 0, r.stdout);
    assert.ok(at('(address book: Alice)') > 0, r.stdout);
    assert.ok(at('You are about to') < at('Asset changes:'));
    assert.ok(at('Asset changes:') < at('Approvals:'));
    assert.ok(at('Approvals:') < at('Findings:'));
    assert.ok(at('Findings:') < at('Details:'));
    assert.match(r.stdout, /-1\.5 ETH/);
  });

  it('--json prints the canonical report with a digest that verifies', async () => {
    const r = await cairn([
      'simulate',
      '--rpc',
      anvil.rpcUrl,
      '--from',
      VAULT,
      '--to',
      ALICE,
      '--value',
      '7',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; report: IntentReport };
    assert.equal(out.report.simulation.status, 'ok');
    assert.equal(out.digest, reportDigest(out.report));
    assert.deepEqual(
      out.report.assetChanges.map((c) => c.delta),
      ['7', '-7'],
    );
  });

  it('fails closed when the RPC is down (exit 3, risk unknown)', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await cairn([
      'simulate',
      '--rpc',
      dead,
      '--chain-id',
      '31337',
      '--from',
      VAULT,
      '--to',
      ALICE,
      '--json',
    ]);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { report: IntentReport };
    assert.equal(out.report.simulation.status, 'unavailable');
    assert.equal(out.report.riskLevel, 'unknown');
    const noChain = await cairn(['simulate', '--rpc', dead, '--from', VAULT, '--to', ALICE]);
    assert.equal(noChain.code, 1);
    assert.match(noChain.stderr, /error\[UNAVAILABLE\]/);
  });

  it('analyses a typed-data file', async () => {
    const file = join(dir, 'permit.json');
    writeFileSync(
      file,
      JSON.stringify({
        domain: {
          name: 'USD Coin',
          version: '2',
          chainId: 31337,
          verifyingContract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
        },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
          Permit: [
            { name: 'owner', type: 'address' },
            { name: 'spender', type: 'address' },
            { name: 'value', type: 'uint256' },
            { name: 'nonce', type: 'uint256' },
            { name: 'deadline', type: 'uint256' },
          ],
        },
        primaryType: 'Permit',
        message: {
          owner: VAULT,
          spender: ALICE,
          value: (2n ** 256n - 1n).toString(),
          nonce: '0',
          deadline: '4102444800',
        },
      }),
    );
    const r = await cairn(['simulate', '--typed-data', file, '--signer', VAULT, '--json']);
    assert.equal(r.code, 3, r.stderr);
    const out = JSON.parse(r.stdout) as { report: IntentReport };
    assert.equal(out.report.kind, 'typed-data');
    assert.equal(out.report.typedData?.kind, 'eip2612-permit');
    assert.equal(out.report.approvals[0]?.unlimited, true);
    assert.match(out.report.summary, /^You are about to sign/);
  });

  it('rejects bad usage with exit 2', async () => {
    assert.equal((await cairn(['simulate', '--from', VAULT])).code, 2);
    assert.equal((await cairn(['simulate', '--rpc', anvil.rpcUrl, '--from', 'bob', '--to', ALICE])).code, 2);
    assert.equal((await cairn(['simulate', '--rpc', 'ftp://x', '--from', VAULT])).code, 2);
    const help = await cairn(['simulate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--typed-data FILE/);
  });
});
