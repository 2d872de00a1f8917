// The scenario world deploys and behaves as its contracts promise (before any analysis is trusted
// to classify it): the Safe takeover really rewrites slot 0, the batch really moves ownership, the
// upgrade really sweeps. Runs the attacks for real on a dedicated anvil.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Anvil, startAnvil } from '@cairn/chains';
import { createPublicClient, createWalletClient, type Hex, http, parseEther } from 'viem';
import { foundry } from 'viem/chains';
import {
  calldata,
  deployScenarioWorld,
  execTransaction,
  multiSendCalldata,
  type ScenarioWorld,
  vaultAccount,
} from './deploy.ts';

describe('scenario contracts on anvil', () => {
  let anvil: Anvil;
  let world: ScenarioWorld;
  let publicClient: ReturnType<typeof createPublicClient>;
  let send: (to: `0x${string}`, data: Hex, value?: bigint) => Promise<'success' | 'reverted'>;

  before(async () => {
    anvil = await startAnvil();
    world = await deployScenarioWorld(anvil.rpcUrl);
    const chain = { ...foundry, rpcUrls: { default: { http: [anvil.rpcUrl] } } };
    publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    const wallet = createWalletClient({ account: vaultAccount, chain, transport: http(anvil.rpcUrl) });
    send = async (to, data, value = 0n) => {
      const hash = await wallet.sendTransaction({ to, data, value, gas: 1_000_000n });
      return (await publicClient.waitForTransactionReceipt({ hash })).status;
    };
  });
  after(async () => {
    await anvil?.stop();
  });

  const slot0 = async (address: `0x${string}`) =>
    `0x${((await publicClient.getStorageAt({ address, slot: '0x0' })) ?? '0x').slice(-40)}`;

  const tokenBOfVault = () =>
    publicClient.readContract({
      address: world.tokenB,
      abi: [
        {
          type: 'function',
          name: 'balanceOf',
          stateMutability: 'view',
          inputs: [{ type: 'address' }],
          outputs: [{ type: 'uint256' }],
        },
      ],
      functionName: 'balanceOf',
      args: [world.vault],
    });

  it('swap on the AMM pays out the other token', async () => {
    const before = await tokenBOfVault();
    assert.equal(
      await send(world.amm, calldata('SimpleAMM', 'swap', [world.tokenA, parseEther('10'), 1n, world.vault])),
      'success',
    );
    const afterSwap = await tokenBOfVault();
    assert.ok(afterSwap > before);
  });

  it('batch via MultiSend (delegatecall) moves the OwnableVault to the attacker', async () => {
    const batch = multiSendCalldata([
      { to: world.tokenA, data: calldata('DemoToken', 'transfer', [world.friend, parseEther('1')]) },
      { to: world.ownable, data: calldata('OwnableVault', 'transferOwnership', [world.attacker]) },
    ]);
    assert.equal(await send(world.safe, execTransaction(world.multiSend, batch, 1)), 'success');
    assert.equal(await slot0(world.ownable), world.attacker);
  });

  it('MultiSend refuses to be called directly', async () => {
    assert.equal(await send(world.multiSend, multiSendCalldata([])), 'reverted');
  });

  it('UUPS upgradeToAndCall(V2, sweep) drains the proxy', async () => {
    const sweep = calldata('UpgradeableVaultV2', 'sweep', [world.tokenA, world.attacker]);
    const before = await publicClient.getBalance({ address: world.attacker });
    assert.equal(
      await send(
        world.upgradeable,
        calldata('UpgradeableVaultV1', 'upgradeToAndCall', [world.implV2, sweep]),
      ),
      'success',
    );
    assert.equal(await publicClient.getBalance({ address: world.upgradeable }), 0n);
    assert.equal((await publicClient.getBalance({ address: world.attacker })) - before, parseEther('5'));
  });

  it('the Safe delegatecall to MaliciousSingleton.transfer rewrites slot 0, then anyone sweeps', async () => {
    assert.equal(await slot0(world.safe), world.safeSingleton);
    const takeover = calldata('MaliciousSingleton', 'transfer', [world.malicious, 0n]);
    assert.equal(await send(world.safe, execTransaction(world.malicious, takeover, 1)), 'success');
    assert.equal(await slot0(world.safe), world.malicious);
    assert.equal(
      await send(world.safe, calldata('MaliciousSingleton', 'sweepETH', [world.attacker])),
      'success',
    );
    assert.equal(await publicClient.getBalance({ address: world.safe }), 0n);
  });

  it('tokens sent to the TokenSink are stuck (its code has no CALL)', async () => {
    assert.equal(await send(world.tokenA, calldata('DemoToken', 'transfer', [world.sink, 1n])), 'success');
    assert.equal(await send(world.sink, '0x', 1n), 'success');
  });
});
