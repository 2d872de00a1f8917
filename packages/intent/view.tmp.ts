import { startAnvil } from '@cairn/chains';
import { parseEther } from 'viem';
import { deployScenarioWorld, calldata, execTransaction, multiSendCalldata } from './test/scenarios/deploy.ts';
import { ForkEngine, analyzeTransaction, renderReport } from './src/index.ts';
const anvil = await startAnvil();
const world = await deployScenarioWorld(anvil.rpcUrl);
const engine = new ForkEngine({ upstreamUrl: anvil.rpcUrl });
const go = async (to: any, data: any) => { const r = await analyzeTransaction({ chainId: world.chainId, from: world.vault, to, data }, { engine }); console.log(renderReport(r.report, r.digest)); console.log('-----'); };
await go(world.safe, execTransaction(world.malicious, calldata('MaliciousSingleton', 'transfer', [world.malicious, 0n]), 1));
await go(world.upgradeable, calldata('UpgradeableVaultV1', 'upgradeToAndCall', [world.implV2, calldata('UpgradeableVaultV2', 'sweep', [world.tokenA, world.attacker])]));
await go(world.safe, execTransaction(world.multiSend, multiSendCalldata([
      { to: world.tokenA, data: calldata('DemoToken', 'transfer', [world.friend, parseEther('10')]) },
      { to: world.ownable, data: calldata('OwnableVault', 'transferOwnership', [world.attacker]) },
    ]), 1));
await go(world.amm, '0x');
await engine.close(); await anvil.stop();
