// Acceptance scenarios of the intent engine, on a real local chain: the scenario contracts
// (compiled from contracts/src) are deployed on an anvil, and every request is analysed by
// analyzeTransaction / analyzeTypedData through a ForkEngine forking that anvil. Each scenario is
// asserted to the exact risk level the issue requires, and to the finding that makes it so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Anvil, freePort, startAnvil } from '@cairn/chains';
import { createPublicClient, erc20Abi, type Hex, http, maxUint256, parseEther } from 'viem';
import { analyzeTransaction, analyzeTypedData, type AnalyzeOptions } from '../../src/analyze.ts';
import { ForkEngine } from '../../src/engine/fork-engine.ts';
import { FileListStore } from '../../src/lists/index.ts';
import { toIntentFacts } from '../../src/report.ts';
import type { Address, Finding, IntentReport, Severity } from '../../src/types.ts';
import { blurSell, permit2Single, seaportListing, request as typedRequest } from '../typed-data/payloads.ts';
import {
  calldata,
  deployScenarioWorld,
  execTransaction,
  multiSendCalldata,
  type ScenarioWorld,
} from './deploy.ts';

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const atLeastHigh = (r: IntentReport) => r.findings.filter((f) => RANK[f.severity] >= RANK.high);
const findingsOf = (r: IntentReport, ruleId: string): Finding[] =>
  r.findings.filter((f) => f.ruleId === ruleId);
const show = (r: IntentReport) => JSON.stringify(r.findings.map((f) => `${f.ruleId}:${f.severity}`));

describe('intent acceptance scenarios (anvil)', () => {
  let anvil: Anvil;
  let engine: ForkEngine;
  let world: ScenarioWorld;
  let options: AnalyzeOptions;
  let listDir: string;
  let threatIntel: string;

  before(async () => {
    anvil = await startAnvil();
    world = await deployScenarioWorld(anvil.rpcUrl);
    engine = new ForkEngine({ upstreamUrl: anvil.rpcUrl, headRefreshMs: 60_000 });
    listDir = mkdtempSync(join(tmpdir(), 'cairn-intent-lists-'));
    writeFileSync(
      join(listDir, 'address-book.json'),
      JSON.stringify({ entries: [{ address: world.friend, label: 'Friend (payroll)' }] }),
    );
    writeFileSync(
      join(listDir, 'allowlist.json'),
      JSON.stringify({
        entries: [
          { address: world.multiSend, label: 'Safe MultiSend' },
          { address: world.amm, label: 'Demo AMM' },
        ],
      }),
    );
    threatIntel = join(listDir, 'threat-intel.json');
    writeFileSync(threatIntel, JSON.stringify([]));
    const store = new FileListStore({
      addressBook: join(listDir, 'address-book.json'),
      allowlist: join(listDir, 'allowlist.json'),
      blocklists: [threatIntel],
    });
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const tokenBalance = (token: Address) =>
      client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [world.vault] });
    options = {
      engine,
      lists: () => store.snapshot(),
      vault: {
        knownCounterparties: new Set([world.friend, world.amm]),
        balances: [
          {
            asset: { kind: 'native' },
            amount: (await client.getBalance({ address: world.vault })).toString(),
          },
          {
            asset: { kind: 'erc20', address: world.tokenA },
            amount: (await tokenBalance(world.tokenA)).toString(),
          },
          {
            asset: { kind: 'erc20', address: world.tokenB },
            amount: (await tokenBalance(world.tokenB)).toString(),
          },
        ],
      },
    };
  });

  after(async () => {
    await engine?.close();
    await anvil?.stop();
    if (listDir) rmSync(listDir, { recursive: true, force: true });
  });

  const analyze = async (to: Address, data: Hex = '0x', value = 0n, extra: Partial<AnalyzeOptions> = {}) =>
    (
      await analyzeTransaction(
        { kind: 'transaction', chainId: world.chainId, from: world.vault, to, value: value.toString(), data },
        { ...options, ...extra },
      )
    ).report;

  it('ERC-20 transfer to a contract that can never move tokens out: token-trapping-recipient', async () => {
    const r = await analyze(world.tokenA, calldata('DemoToken', 'transfer', [world.sink, parseEther('5')]));
    assert.equal(r.simulation.status, 'ok');
    const sink = r.counterparties.find((c) => c.address === world.sink);
    assert.equal(sink?.canMoveAssets, false);
    assert.equal(findingsOf(r, 'token-trapping-recipient').length, 1, show(r));
    const friend = await analyze(
      world.tokenA,
      calldata('DemoToken', 'transfer', [world.amm, parseEther('5')]),
    );
    assert.equal(findingsOf(friend, 'token-trapping-recipient').length, 0, show(friend));
  });

  describe('benign requests: no high findings', () => {
    it('ETH transfer to the address book', async () => {
      const r = await analyze(world.friend, '0x', parseEther('1'));
      assert.equal(r.simulation.status, 'ok');
      assert.deepEqual(atLeastHigh(r), [], show(r));
      assert.equal(r.riskLevel, 'none', show(r));
    });

    it('ERC-20 transfer to the address book', async () => {
      const r = await analyze(
        world.tokenA,
        calldata('DemoToken', 'transfer', [world.friend, parseEther('1000')]),
      );
      assert.equal(r.simulation.status, 'ok');
      assert.ok(
        r.assetChanges.some((c) => c.address === world.vault && c.delta === `-${parseEther('1000')}`),
      );
      assert.deepEqual(atLeastHigh(r), [], show(r));
      assert.equal(r.riskLevel, 'none', show(r));
    });

    it('swap on the AMM', async () => {
      const r = await analyze(
        world.amm,
        calldata('SimpleAMM', 'swap', [world.tokenA, parseEther('1000'), 1n, world.vault]),
      );
      assert.equal(r.simulation.status, 'ok');
      assert.ok(
        r.assetChanges.some(
          (c) => c.address === world.vault && c.asset.address === world.tokenB && BigInt(c.delta) > 0n,
        ),
      );
      assert.deepEqual(atLeastHigh(r), [], show(r));
      assert.ok(['none', 'low', 'medium'].includes(r.riskLevel), show(r));
    });
  });

  it('Safe execTransaction delegatecalling code that overwrites slot 0 → critical', async () => {
    const takeover = calldata('MaliciousSingleton', 'transfer', [world.malicious, 0n]);
    const r = await analyze(world.safe, execTransaction(world.malicious, takeover, 1));
    assert.equal(r.riskLevel, 'critical', show(r));
    const [dc] = findingsOf(r, 'untrusted-delegatecall');
    assert.equal(dc?.severity, 'critical', show(r));
    assert.equal(dc?.evidence.target, world.malicious);
    assert.ok(
      r.stateChanges.some(
        (s) => s.address === world.safe && s.meaning === 'safe.singleton' && s.after === world.malicious,
      ),
      JSON.stringify(r.stateChanges),
    );
  });

  it('a MultiSend batch hiding transferOwnership → high', async () => {
    const batch = multiSendCalldata([
      { to: world.tokenA, data: calldata('DemoToken', 'transfer', [world.friend, parseEther('10')]) },
      { to: world.ownable, data: calldata('OwnableVault', 'transferOwnership', [world.attacker]) },
    ]);
    const r = await analyze(world.safe, execTransaction(world.multiSend, batch, 1));
    assert.equal(r.riskLevel, 'high', show(r));
    const [own] = findingsOf(r, 'ownership-transfer');
    assert.equal(own?.severity, 'high', show(r));
    assert.equal(own?.evidence.contract, world.ownable);
    assert.equal(own?.evidence.newOwner, world.attacker);
  });

  it('EIP-1967 upgradeToAndCall followed by a sweep → critical', async () => {
    const sweep = calldata('UpgradeableVaultV2', 'sweep', [world.tokenA, world.attacker]);
    const r = await analyze(
      world.upgradeable,
      calldata('UpgradeableVaultV1', 'upgradeToAndCall', [world.implV2, sweep]),
    );
    assert.equal(r.riskLevel, 'critical', show(r));
    const [up] = findingsOf(r, 'proxy-upgrade');
    assert.equal(up?.severity, 'critical', show(r));
    assert.equal(up?.evidence.after, world.implV2);
  });

  it('setApprovalForAll to a fresh contract → high', async () => {
    const r = await analyze(world.nft, calldata('DemoNFT', 'setApprovalForAll', [world.drainer, true]));
    assert.equal(r.riskLevel, 'high', show(r));
    assert.equal(findingsOf(r, 'set-approval-for-all')[0]?.severity, 'high', show(r));
  });

  it('ERC-1155 setApprovalForAll to a fresh contract → high', async () => {
    const r = await analyze(
      world.multiToken,
      calldata('DemoMultiToken', 'setApprovalForAll', [world.drainer, true]),
    );
    assert.equal(r.riskLevel, 'high', show(r));
    assert.equal(findingsOf(r, 'set-approval-for-all')[0]?.evidence.operator, world.drainer, show(r));
  });

  it('unlimited approve to a fresh contract → high', async () => {
    const r = await analyze(world.tokenA, calldata('DemoToken', 'approve', [world.drainer, maxUint256]));
    assert.equal(r.riskLevel, 'high', show(r));
    assert.equal(findingsOf(r, 'unlimited-approval')[0]?.severity, 'high', show(r));
  });

  it('a Permit2 phishing typed-data payload → high', async () => {
    const td = permit2Single({ token: world.tokenA, spender: world.attacker, chainId: world.chainId });
    const { report } = await analyzeTypedData(typedRequest(world.vault, td, world.chainId), options);
    assert.equal(report.riskLevel, 'high', show(report));
    assert.equal(report.typedData?.kind, 'permit2-single');
    assert.equal(findingsOf(report, 'unlimited-approval')[0]?.evidence.spender, world.attacker);
  });

  describe('marketplace signatures (no simulation possible)', () => {
    const typed = async (td: Parameters<typeof typedRequest>[1]) =>
      (
        await analyzeTypedData(
          typedRequest(
            world.vault,
            { ...td, domain: { ...td.domain, chainId: world.chainId } },
            world.chainId,
          ),
          options,
        )
      ).report;

    it('Seaport listing paid to the vault → no high findings', async () => {
      const r = await typed(
        seaportListing({
          offerer: world.vault,
          nft: world.nft,
          tokenId: '1',
          payments: [{ recipient: world.vault, amount: parseEther('2').toString() }],
        }),
      );
      assert.equal(r.typedData?.kind, 'seaport-order');
      assert.deepEqual(atLeastHigh(r), [], show(r));
    });

    it('Seaport zero-price listing → critical', async () => {
      const r = await typed(
        seaportListing({ offerer: world.vault, nft: world.nft, tokenId: '1', payments: [] }),
      );
      assert.equal(r.riskLevel, 'critical', show(r));
      assert.equal(findingsOf(r, 'marketplace-order')[0]?.evidence.signerReceives, 'nothing');
    });

    it('Seaport listing whose consideration goes to the attacker (dust to the vault) → high', async () => {
      const r = await typed(
        seaportListing({
          offerer: world.vault,
          nft: world.nft,
          tokenId: '1',
          payments: [
            { recipient: world.vault, amount: '1' },
            { recipient: world.attacker, amount: parseEther('2').toString() },
          ],
        }),
      );
      assert.equal(r.riskLevel, 'high', show(r));
      assert.equal(findingsOf(r, 'marketplace-order')[0]?.evidence.otherRecipients, world.attacker);
    });

    it('Blur sell order at price 0 → critical', async () => {
      const r = await typed(blurSell({ trader: world.vault, nft: world.nft, price: '0' }));
      assert.equal(r.riskLevel, 'critical', show(r));
    });
  });

  it('an EIP-7702 authorization delegating the vault to a fresh contract → high', async () => {
    const r = (
      await analyzeTransaction(
        {
          kind: 'transaction',
          chainId: world.chainId,
          from: world.vault,
          to: world.vault,
          value: '0',
          data: '0x',
          authorizationList: [{ chainId: world.chainId, address: world.drainer, nonce: '0' }],
        },
        options,
      )
    ).report;
    assert.equal(r.riskLevel, 'high', show(r));
    assert.equal(findingsOf(r, 'eip7702-authorization')[0]?.evidence.delegate, world.drainer);
  });

  it('an unknown function selector on a high-value call → high', async () => {
    const r = await analyze(world.attacker, '0xdeadbeef', parseEther('2'));
    assert.equal(r.riskLevel, 'high', show(r));
    assert.equal(findingsOf(r, 'unknown-selector')[0]?.evidence.selector, '0xdeadbeef');
  });

  it('a poisoned look-alike of an address-book entry → high', async () => {
    const lookalike = `${world.friend.slice(0, 6)}${'0'.repeat(32)}${world.friend.slice(-4)}` as Address;
    assert.notEqual(lookalike, world.friend);
    const r = await analyze(world.tokenA, calldata('DemoToken', 'transfer', [lookalike, parseEther('1000')]));
    assert.equal(r.riskLevel, 'high', show(r));
    const [p] = findingsOf(r, 'address-poisoning');
    assert.equal(p?.evidence.address, lookalike);
    assert.equal(p?.evidence.lookalikeOf, world.friend);
  });

  it('a reverting transaction → simulation-reverted, which blocks', async () => {
    const r = await analyze(
      world.tokenA,
      calldata('DemoToken', 'transfer', [world.friend, parseEther('100000000')]),
    );
    assert.equal(r.simulation.status, 'reverted');
    assert.equal(r.riskLevel, 'high', show(r));
    const [rev] = findingsOf(r, 'simulation-reverted');
    assert.equal(rev?.evidence.blocks, 'true');
    assert.match(rev?.evidence.revertReason ?? '', /balance/);
    assert.ok(toIntentFacts(r).findingIds.includes('simulation-reverted'));
  });

  it('RPC unavailable → fails closed (risk unknown)', async () => {
    const dead = new ForkEngine({ upstreamUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
    try {
      const r = await analyze(world.friend, '0x', parseEther('1'), { engine: dead });
      assert.equal(r.simulation.status, 'unavailable');
      assert.equal(r.riskLevel, 'unknown');
      assert.equal(findingsOf(r, 'simulation-unavailable')[0]?.severity, 'high', show(r));
      assert.deepEqual(toIntentFacts(r).status, 'unavailable');
      // Without a simulation the decoded calldata still tells approvers what is being asked.
      const takeover = calldata('MaliciousSingleton', 'transfer', [world.malicious, 0n]);
      const t = await analyze(world.safe, execTransaction(world.malicious, takeover, 1), 0n, {
        engine: dead,
      });
      assert.equal(t.riskLevel, 'unknown');
      assert.equal(findingsOf(t, 'untrusted-delegatecall')[0]?.evidence.target, world.malicious, show(t));
      const batch = multiSendCalldata([
        { to: world.ownable, data: calldata('OwnableVault', 'transferOwnership', [world.attacker]) },
      ]);
      const b = await analyze(world.safe, execTransaction(world.multiSend, batch, 1), 0n, { engine: dead });
      assert.equal(findingsOf(b, 'ownership-transfer')[0]?.evidence.newOwner, world.attacker, show(b));
    } finally {
      await dead.close();
    }
  });

  it('a threat-intel file rewritten while running blocks the next request (no restart)', async () => {
    const before = await analyze(world.attacker, '0x', parseEther('1'));
    assert.deepEqual(findingsOf(before, 'blocklisted-counterparty'), []);
    writeFileSync(
      threatIntel,
      JSON.stringify({ entries: [{ address: world.attacker, reason: 'drainer operator' }] }),
    );
    const after = await analyze(world.attacker, '0x', parseEther('1'));
    assert.equal(after.riskLevel, 'critical', show(after));
    assert.equal(findingsOf(after, 'blocklisted-counterparty')[0]?.evidence.reason, 'drainer operator');
    writeFileSync(threatIntel, JSON.stringify([]));
  });
});
